// Ranking tables: sortable by any column (tablesort), filterable by name, region and group.
// Material loads pages instantly or not; document$ exists only with instant loading.
function setupRankings() {
  document.querySelectorAll("table.sortable").forEach(function (table) {
    if (!table.dataset.sortReady) { new Tablesort(table, { descending: true }); table.dataset.sortReady = "1"; }
  });
  document.querySelectorAll(".ranking-filter").forEach(function (box) {
    var table = box.parentElement.querySelector("table.ranking");
    var text = box.querySelector(".ranking-filter-text");
    var group = box.querySelector(".ranking-filter-group");
    var count = box.querySelector(".ranking-count");
    function apply() {
      var q = text.value.trim(), g = group.value, shown = 0;
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var ok = (!q || row.textContent.indexOf(q) >= 0) && (!g || row.dataset.group === g);
        row.hidden = !ok;
        if (ok) { shown += 1; }
      });
      count.textContent = shown + " 份报告";
    }
    text.addEventListener("input", apply);
    group.addEventListener("change", apply);
  });
}
if (typeof document$ !== "undefined") { document$.subscribe(setupRankings); }
else { document.addEventListener("DOMContentLoaded", setupRankings); }
