// A report's standing in its group (its ranks, rank ranges, the group's quartiles, its ranks under other
// weights) changes whenever a report joins or leaves the group, so report and body pages do not print it:
// each place holds <span class="standing" data-slot="…">, its file named by its own data-standing
// ("…/api/v1/standing/YEAR/BODY.json") or by the nearest enclosing element's (a report page's summary and
// scores table name it once for their slots), filled here with the text the builder wrote for that slot (builder/site/views.py standing_texts). Each file
// is fetched once per page; until it arrives, or if it cannot be had, the span keeps its link to the
// year's rankings, which print every rank. Text only (textContent): nothing from the file becomes markup.
function fillStanding() {
  var wanted = {};
  document.querySelectorAll("span.standing[data-slot]").forEach(function (el) {
    var named = el.closest("[data-standing]"), src = named && named.dataset.standing;
    if (src) { (wanted[src] = wanted[src] || []).push(el); }
  });
  Object.keys(wanted).forEach(function (src) {
    fetch(src, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(src + ": " + r.status); } return r.json(); })
      .then(function (data) {
        wanted[src].forEach(function (el) {
          var text = data && data.text ? data.text[el.dataset.slot] : undefined;
          if (typeof text === "string") { el.textContent = text; el.classList.add("standing-filled"); }
        });
      })
      .catch(function (err) { console.warn("standing not loaded", err); });
  });
}
if (typeof document$ !== "undefined") { document$.subscribe(fillStanding); }
else { document.addEventListener("DOMContentLoaded", fillStanding); }
