// Ranking tables (and every table's overflow hint): sortable by any column (tablesort), filterable by name, region and group.
// Material loads pages instantly or not; document$ exists only with instant loading.
// A ranking has a <tbody> per comparable group (tablesort sorts each on its own), headed by a row that
// stays first; a report without an overall score has the reason on the row after it, put back under
// its report after every sort.
function keepReasons(table) {
  table.querySelectorAll("tr.ranking-reason").forEach(function (reason) {
    var owner = document.getElementById(reason.dataset.for);
    if (owner && owner.nextElementSibling !== reason) { owner.parentNode.insertBefore(reason, owner.nextElementSibling); }
  });
}
function setupRankings() {
  document.querySelectorAll("table.sortable").forEach(function (table) {
    if (!table.dataset.sortReady) {
      table.addEventListener("afterSort", function () { keepReasons(table); });
      new Tablesort(table, { descending: true });
      table.dataset.sortReady = "1";
    }
  });
  document.querySelectorAll(".ranking-filter").forEach(function (box) {
    var table = box.parentElement.querySelector("table.ranking");
    var text = box.querySelector(".ranking-filter-text");
    var group = box.querySelector(".ranking-filter-group");
    var count = box.querySelector(".ranking-count");
    function apply() {
      var q = text.value.trim(), g = group.value, shown = 0;
      table.querySelectorAll("tbody").forEach(function (part) {
        var inPart = 0;
        part.querySelectorAll("tr.ranking-row").forEach(function (row) {
          var ok = (!q || row.textContent.indexOf(q) >= 0) && (!g || part.dataset.group === g);
          row.hidden = !ok;
          var reason = part.querySelector('tr.ranking-reason[data-for="' + row.id + '"]');
          if (reason) { reason.hidden = !ok; }
          if (ok) { inPart += 1; }
        });
        part.hidden = inPart === 0;
        shown += inPart;
      });
      count.textContent = shown + " 份报告";
    }
    text.addEventListener("input", apply);
    group.addEventListener("change", apply);
  });
}
// A table wider than its column scrolls inside its wrapper: say so above it (左右滑动查看), only when it
// does overflow (the hint and the wrapper's shadows follow the width as the screen turns).
function markOverflow() {
  document.querySelectorAll(".md-typeset .table-wrap").forEach(function (wrap) {
    var hint = wrap.previousElementSibling;
    if (!hint || !hint.classList.contains("scroll-hint")) {
      hint = document.createElement("p");
      hint.className = "scroll-hint";
      hint.setAttribute("aria-hidden", "true");
      hint.textContent = "表格较宽：左右滑动查看 ⇆";
      wrap.parentNode.insertBefore(hint, wrap);
    }
    var over = wrap.scrollWidth > wrap.clientWidth + 1;
    wrap.classList.toggle("is-overflowing", over);
    hint.classList.toggle("shown", over);
  });
}
function setupPage() { setupRankings(); markOverflow(); }
window.addEventListener("resize", markOverflow);
if (typeof document$ !== "undefined") { document$.subscribe(setupPage); }
else { document.addEventListener("DOMContentLoaded", setupPage); }
