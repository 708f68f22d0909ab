// report.html's and index.html's one script: search, filter and sort. The page's Content-Security-Policy allows
// exactly this text by its SHA-256 (drs-report computes the hash when it writes the page), so an
// edited copy in --templates is allowed in the same way, and nothing else can run.
// Data never becomes code here: the script reads only text already in the page, and writes only
// textContent, attributes it owns and the hidden flag. With script off, the page reads the same,
// without the toolbar.
(function () {
  "use strict";
  var doc = document;
  var tools = doc.getElementById("tools");
  if (!tools) { return; }
  var each = function (list, f) { Array.prototype.forEach.call(list, f); };
  var search = doc.getElementById("q");
  var outcome = doc.getElementById("f-outcome");
  var kind = doc.getElementById("f-kind");
  var status = doc.getElementById("filter-status");
  var rows = Array.prototype.slice.call(doc.querySelectorAll("table.filterable > tbody > tr"));
  var rowText = rows.map(function (row) { return (row.getAttribute("data-name") || row.textContent).toLowerCase(); });
  var groups = Array.prototype.slice.call(doc.querySelectorAll(".diff-group"));
  tools.hidden = false;

  function apply() {
    var needle = search.value.trim().toLowerCase();
    var wanted = outcome ? outcome.value : "";
    var diffKind = kind ? kind.value : "";
    // Two counts, each of what its filters can hide: listed rows (search and outcome) and the
    // preview's inconsistent rows (search by table, outcome and difference).
    var shown = 0;
    var shownDiffs = 0;
    rows.forEach(function (row, i) {
      var ok = (!needle || rowText[i].indexOf(needle) >= 0) && (!wanted || row.getAttribute("data-outcome") === wanted);
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    groups.forEach(function (group) {
      var named = !needle || (group.getAttribute("data-name") || "").toLowerCase().indexOf(needle) >= 0;
      var open = named && (!wanted || wanted === "INCONSISTENT");
      var any = 0;
      each(group.querySelectorAll("tbody > tr"), function (row) {
        var ok = !diffKind || row.getAttribute("data-kind") === diffKind;
        row.hidden = !ok;
        if (ok) { any += 1; }
      });
      group.hidden = !(open && any > 0);
      if (!group.hidden) { shownDiffs += any; }
    });
    var filtering = needle || wanted || diffKind;
    if (status) {
      status.textContent = filtering
        ? status.getAttribute("data-shown").replace("{0}", shown.toLocaleString("en-US")).replace("{1}", shownDiffs.toLocaleString("en-US"))
        : "";
    }
  }
  // The batch index has no difference filter: every control but the search field is optional.
  search.addEventListener("input", apply);
  if (outcome) { outcome.addEventListener("change", apply); }
  if (kind) { kind.addEventListener("change", apply); }
  var clear = doc.getElementById("f-clear");
  if (clear) {
    clear.addEventListener("click", function () {
      search.value = "";
      if (outcome) { outcome.value = ""; }
      if (kind) { kind.value = ""; }
      apply();
    });
  }

  function number(text) {
    var n = parseFloat(text.replace(/[^0-9.\-]/g, ""));
    return isNaN(n) ? -Infinity : n;
  }
  function sort(th) {
    var table = th.closest("table");
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var direction = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    each(table.querySelectorAll("thead th"), function (h) { h.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", direction);
    var numeric = th.classList.contains("num");
    var body = table.tBodies[0];
    var keyed = Array.prototype.map.call(body.rows, function (row, i) {
      var cell = row.cells[index];
      var text = cell ? (cell.getAttribute("data-sort") || cell.textContent).trim() : "";
      return { row: row, i: i, key: numeric ? number(text) : text.toLowerCase() };
    });
    keyed.sort(function (a, b) {
      var c = a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
      if (direction === "descending") { c = -c; }
      return c !== 0 ? c : a.i - b.i;
    });
    keyed.forEach(function (item) { body.appendChild(item.row); });
  }
  each(doc.querySelectorAll("table.sortable > thead th"), function (th) {
    th.tabIndex = 0;
    th.setAttribute("aria-sort", "none");
    th.addEventListener("click", function () { sort(th); });
    th.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(th); }
    });
  });

  // Printing shows every collapsed section (browsers without ::details-content).
  window.addEventListener("beforeprint", function () {
    each(doc.querySelectorAll("details:not([open])"), function (d) { d.setAttribute("data-print-opened", ""); d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    each(doc.querySelectorAll("details[data-print-opened]"), function (d) { d.removeAttribute("data-print-opened"); d.open = false; });
  });
})();
