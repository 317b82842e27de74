// The compare page (比较): any template cell across the bodies of a year and comparable group, with the
// median and totals per province, city and level; and 2-4 bodies side by side across years. The data:
// compare/YEAR.json (builder/site/compare_pages.py). The view's state (year, group, item, sort, direction,
// filter, chosen bodies, side-by-side mode) lives in the query string, so a view is shareable. Every table
// exports as CSV and JSON exactly as shown. Text from the data goes in with textContent only. A value from
// the query string or the data (an item, a group, a name, a status letter) is looked up in a Map or by an
// own-property check, never as a plain object's key: ?item=constructor or __proto__ is a name like any other.
(function () {
  "use strict";
  var SECTIONS = new Map(Object.entries({ article20: "二、主动公开政府信息情况", applications: "三、收到和处理政府信息公开申请情况",
                   review_litigation: "四、政府信息公开行政复议、行政诉讼情况" }));
  var SCOPES = [["本组", function () { return "全部所示机关"; }], ["省", function (b) { return b.province || "（地区不明）"; }],
                ["市", function (b) { return b.city || "（地区不明）"; }], ["级别", function (b) { return b.level; }]];
  var MAX_BODIES = 4;
  // a number the report printed that its own table contradicts (or a cell a finding names): the report
  // page's mark (cell-finding) and these words beside its status
  var FLAGGED = "有核对问题", FLAGGED_TITLE = "有核对问题：与表内勾稽关系矛盾或无法可靠读取，数字照报告所印；详见报告页的数据核对发现";

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }
  function own(obj, key) { return Object.prototype.hasOwnProperty.call(obj, key); }
  function num(x) { return String(Math.round(x * 1e6) / 1e6); }
  function median(xs) {
    if (!xs.length) { return null; }
    var s = xs.slice().sort(function (a, b) { return a - b; }), m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  }
  var collator = new Intl.Collator("zh-CN");

  function setup() {
    var app = document.getElementById("compare-app");
    if (!app || app.dataset.ready) { return; }
    app.dataset.ready = "1";
    var years = app.dataset.years.split(" ").filter(Boolean).map(Number);
    var keyCells = app.dataset.keyCells.split(" ");
    var names = new Map();  // status -> its name on the page
    ["printed", "blank", "not_applicable", "unread", "inferred", "corrected"].forEach(function (s) {
      names.set(s, app.getAttribute("data-status-" + s.replace("_", "-")));
    });
    var $ = function (id) { return document.getElementById(id); };
    var yearBox = $("compare-year"), groupBox = $("compare-group"), itemBox = $("compare-item"),
        filterBox = $("compare-filter"), bodyBox = $("compare-body"), modeBox = $("compare-side-mode");
    var data = new Map();  // year -> its file's data

    var params = new URLSearchParams(window.location.search);
    var state = {
      year: Number(params.get("year")) || years[0], group: params.get("group") || "",
      item: params.get("item") || app.dataset.defaultCell, sort: params.get("sort") || "value",
      dir: params.get("dir") === "asc" ? "asc" : "desc", q: params.get("filter") || "",
      bodies: params.getAll("body").slice(0, MAX_BODIES), mode: params.get("mode") === "key" ? "key" : "item"
    };
    if (years.indexOf(state.year) < 0) { state.year = years[0]; }
    if (["name", "region", "level", "value", "status"].indexOf(state.sort) < 0) { state.sort = "value"; }

    function saveState() {
      var p = new URLSearchParams();
      p.set("year", state.year);
      if (state.group) { p.set("group", state.group); }
      p.set("item", state.item);
      p.set("sort", state.sort);
      p.set("dir", state.dir);
      if (state.q) { p.set("filter", state.q); }  // not "q": Material's search opens on ?q=
      state.bodies.forEach(function (b) { p.append("body", b); });
      if (state.mode !== "item") { p.set("mode", state.mode); }
      window.history.replaceState(null, "", "?" + p.toString() + window.location.hash);
    }

    function load(year) {
      if (!data.has(year)) {
        data.set(year, fetch(year + ".json").then(function (r) {
          if (!r.ok) { throw new Error(year + ".json: " + r.status); }
          return r.json();
        }));
      }
      return data.get(year);
    }

    // one cell of one body: {value, status, text, flagged} (a cell without a number shows its status, never
    // 0; flagged: a finding flags it, as the report page marks it)
    function cellOf(d, body, path) {
      var k = d.index.get(path), code = k === undefined ? "" : body.status.charAt(k);
      if (k === undefined) {
        return { value: null, status: "not_applicable", text: names.get("not_applicable"), flagged: false };
      }
      var status = own(d.statuses, code) && names.has(d.statuses[code]) ? d.statuses[code] : "unread",
          value = body.values[k];
      var text = value === null || value === undefined ? (status === "corrected" ? "—" : names.get(status)) : num(value);
      return { value: value === undefined ? null : value, status: status, text: text,
               flagged: Array.isArray(body.flagged) && body.flagged.indexOf(k) >= 0 };
    }
    // a cell's value and status as table cells: its status's class, and the finding's mark when flagged
    function valueCell(c) {
      var td = el("td", c.text, "num cell-" + c.status.replace("_", "-") + (c.flagged ? " cell-finding" : ""));
      td.title = names.get(c.status) + (c.flagged ? "；" + FLAGGED_TITLE : "");
      return td;
    }
    function statusText(c) { return names.get(c.status) + (c.flagged ? "（" + FLAGGED + "）" : ""); }
    // side by side, where no column gives the status: a flagged number says so in words too (and its export)
    function sideCell(c) {
      var td = valueCell(c);
      if (c.flagged) { td.appendChild(el("span", "（" + FLAGGED + "）", "cell-note")); }
      return td;
    }
    function prepare(d) {
      if (!d.index) {
        d.index = new Map();  // a cell's path -> its place in each body's values
        d.labels = new Map();
        d.cells.forEach(function (c, k) { d.index.set(c[0], k); d.labels.set(c[0], c[1]); });
      }
      return d;
    }

    function fillItems(d) {
      if (itemBox.options.length) { return; }
      var groups = new Map();
      d.cells.forEach(function (c) {
        var section = c[0].split(".")[0];
        if (!groups.has(section)) {
          var group = el("optgroup");
          group.label = SECTIONS.get(section) || section;
          itemBox.appendChild(group);
          groups.set(section, group);
        }
        var opt = el("option", c[1]);
        opt.value = c[0];
        groups.get(section).appendChild(opt);
      });
    }
    function fillGroups(d) {
      var counts = new Map();  // group -> its bodies this year
      d.bodies.forEach(function (b) { counts.set(b.group, (counts.get(b.group) || 0) + 1); });
      groupBox.textContent = "";
      var all = el("option", "全部可比组（" + d.bodies.length + "）");
      all.value = "";
      groupBox.appendChild(all);
      Array.from(counts.keys()).sort(collator.compare).forEach(function (g) {
        var opt = el("option", g + "（" + counts.get(g) + "）");
        opt.value = g;
        groupBox.appendChild(opt);
      });
      if (state.group && !counts.has(state.group)) {
        // a group no body of this year is in (another year's, a shared view's): never offered empty, all
        // groups are shown instead
        state.group = "";
        saveState();
      }
      groupBox.value = state.group;
    }

    function shown(d) {
      var q = state.q.trim();
      var rows = d.bodies.filter(function (b) {
        return (!state.group || b.group === state.group) &&
               (!q || b.name.indexOf(q) >= 0 || b.region.indexOf(q) >= 0);
      }).map(function (b) { return { body: b, cell: cellOf(d, b, state.item) }; });
      var sign = state.dir === "asc" ? 1 : -1;
      var key = { name: function (r) { return r.body.name; }, region: function (r) { return r.body.region; },
                  level: function (r) { return r.body.level; }, status: function (r) { return statusText(r.cell); } };
      rows.sort(function (a, b) {
        if (state.sort === "value") {
          var x = a.cell.value, y = b.cell.value;
          if (x === null || y === null) {  // cells without a number last, whichever the direction
            return (x === null) - (y === null) || collator.compare(a.body.name, b.body.name);
          }
          return sign * (x - y) || collator.compare(a.body.name, b.body.name);
        }
        return sign * collator.compare(key[state.sort](a), key[state.sort](b)) ||
               collator.compare(a.body.name, b.body.name);
      });
      return rows;
    }

    function renderGroup(d) {
      var rows = shown(d), tbody = $("compare-table").querySelector("tbody");
      tbody.textContent = "";
      rows.forEach(function (r) {
        var tr = el("tr"), name = el("td"), link = el("a", r.body.name);
        link.href = "../" + r.body.url;
        name.appendChild(link);
        tr.appendChild(name);
        tr.appendChild(el("td", r.body.region || "—"));
        tr.appendChild(el("td", r.body.level));
        tr.appendChild(valueCell(r.cell));
        tr.appendChild(el("td", statusText(r.cell)));
        tbody.appendChild(tr);
      });
      $("compare-table").querySelectorAll("th").forEach(function (th) {
        var col = th.querySelector("button").dataset.sort;
        th.setAttribute("aria-sort", col === state.sort ? (state.dir === "asc" ? "ascending" : "descending") : "none");
      });
      $("compare-count").textContent = state.year + " 年度 · " + (state.group || "全部可比组") + " · " +
        d.labels.get(state.item) + " · " + rows.length + " 个机关";
      renderSummary(rows);
    }

    function renderSummary(rows) {
      var tbody = $("compare-summary").querySelector("tbody");
      tbody.textContent = "";
      SCOPES.forEach(function (scope) {
        var parts = new Map();  // a province, city or level -> its cells
        rows.forEach(function (r) {
          var name = scope[1](r.body);
          if (!parts.has(name)) { parts.set(name, []); }
          parts.get(name).push(r.cell);
        });
        Array.from(parts.keys()).sort(collator.compare).forEach(function (name) {
          var cells = parts.get(name), values = [], flagged = 0,
              counts = new Map([["blank", 0], ["not_applicable", 0], ["unread", 0]]);
          cells.forEach(function (c) {
            if (c.value !== null) { values.push(c.value); flagged += c.flagged ? 1 : 0; }
            else if (counts.has(c.status)) { counts.set(c.status, counts.get(c.status) + 1); }
          });
          var total = values.reduce(function (a, b) { return a + b; }, 0), mid = median(values), tr = el("tr");
          [scope[0], name, values.length, flagged, values.length ? num(total) : "—", mid === null ? "—" : num(mid),
           counts.get("blank"), counts.get("not_applicable"), counts.get("unread")].forEach(function (t) {
            tr.appendChild(el("td", t));
          });
          tbody.appendChild(tr);
        });
      });
    }

    // the side-by-side view: every year's file, the chosen bodies as columns
    function renderSide(all) {
      // a body is followed by its id across the names it published under (its former names and its present one)
      var chosen = $("compare-chosen"), names2 = new Set(), ids = new Map();
      all.forEach(function (d) {
        d.bodies.forEach(function (b) {
          [b.name, b.body].forEach(function (n) {
            if (typeof n === "string") { names2.add(n); if (b.id && !ids.has(n)) { ids.set(n, b.id); } }
          });
        });
      });
      var list = $("compare-body-names");
      if (!list.options.length) {
        Array.from(names2).sort(collator.compare).forEach(function (n) { var o = el("option"); o.value = n; list.appendChild(o); });
      }
      chosen.textContent = "";
      state.bodies.forEach(function (name) {
        var chip = el("span", name, "compare-chip"), remove = el("button", "×", "compare-remove");
        remove.type = "button";
        remove.setAttribute("aria-label", "移除 " + name);
        remove.addEventListener("click", function () {
          state.bodies = state.bodies.filter(function (b) { return b !== name; });
          update();
        });
        chip.appendChild(remove);
        chosen.appendChild(chip);
      });
      $("compare-add").disabled = state.bodies.length >= MAX_BODIES;
      var table = $("compare-side"), thead = table.querySelector("thead"), tbody = table.querySelector("tbody");
      thead.textContent = "";
      tbody.textContent = "";
      if (!state.bodies.length) {
        $("compare-side-note").textContent = "输入机关名称加入比较（最多 " + MAX_BODIES + " 个）。";
        return;
      }
      var paths = state.mode === "key" ? keyCells : [state.item];
      var head = el("tr");
      head.appendChild(el("th", "年度"));
      head.appendChild(el("th", "项目"));
      state.bodies.forEach(function (n) { head.appendChild(el("th", n)); });
      thead.appendChild(head);
      var rows = 0;
      all.slice().sort(function (a, b) { return a.year - b.year; }).forEach(function (d) {
        var found = state.bodies.map(function (n) {
          var id = ids.get(n);
          return d.bodies.filter(function (b) { return id ? b.id === id : b.name === n; })[0] || null;
        });
        if (!found.some(Boolean)) { return; }
        paths.forEach(function (path, k) {
          var tr = el("tr");
          tr.appendChild(el("td", d.year));
          tr.appendChild(el("td", d.labels.get(path) || path));
          found.forEach(function (b, i) {
            if (!b) { tr.appendChild(el("td", "无报告", "num cell-blank")); return; }
            var td = sideCell(cellOf(d, b, path));
            // the name the year's report was published under, where it is not the one chosen (a former name)
            if (k === 0 && b.name !== state.bodies[i]) { td.appendChild(el("span", "以“" + b.name + "”名义发布", "compare-published-as")); }
            tr.appendChild(td);
          });
          tbody.appendChild(tr);
          rows += 1;
        });
      });
      $("compare-side-note").textContent = rows ? "" : "所选机关没有报告。";
    }

    function update() {
      saveState();
      load(state.year).then(function (d) {
        prepare(d);
        fillItems(d);
        if (!d.index.has(state.item)) { state.item = app.dataset.defaultCell; saveState(); }
        itemBox.value = state.item;
        fillGroups(d);
        renderGroup(d);
      });
      Promise.all(years.map(load)).then(function (all) {
        all.forEach(prepare);
        renderSide(all);
      });
    }

    yearBox.value = String(state.year);
    filterBox.value = state.q;
    modeBox.value = state.mode;
    yearBox.addEventListener("change", function () { state.year = Number(yearBox.value); update(); });
    groupBox.addEventListener("change", function () { state.group = groupBox.value; update(); });
    itemBox.addEventListener("change", function () { state.item = itemBox.value; update(); });
    filterBox.addEventListener("input", function () { state.q = filterBox.value; update(); });
    modeBox.addEventListener("change", function () { state.mode = modeBox.value; update(); });
    $("compare-table").querySelectorAll("th button").forEach(function (button) {
      button.addEventListener("click", function () {
        var col = button.dataset.sort;
        if (state.sort === col) { state.dir = state.dir === "asc" ? "desc" : "asc"; }
        else { state.sort = col; state.dir = col === "value" ? "desc" : "asc"; }
        update();
      });
    });
    function add() {
      var name = bodyBox.value.trim();
      Promise.all(years.map(load)).then(function (all) {
        var known = all.some(function (d) { return d.bodies.some(function (b) { return b.name === name || b.body === name; }); });
        if (!known) { $("compare-side-note").textContent = "未找到机关：" + name; return; }
        if (state.bodies.indexOf(name) < 0 && state.bodies.length < MAX_BODIES) { state.bodies.push(name); }
        bodyBox.value = "";
        update();
      });
    }
    $("compare-add").addEventListener("click", add);
    bodyBox.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); add(); } });
    app.querySelectorAll("[data-export]").forEach(function (button) {
      button.addEventListener("click", function () { exportTable($(button.dataset.export), button.dataset.format); });
    });
    update();
  }

  // --- export: the table as shown -------------------------------------------------------------
  var NUMBER = /^-?\d+(\.\d+)?$/;
  function csvCell(text) {
    if (NUMBER.test(text)) { return text; }
    if (/^[=+\-@\t\r]/.test(text)) { text = "'" + text; }  // a spreadsheet formula neutralised (downloads.csv_text)
    return /[",\n\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }
  function tableRows(table) {
    return Array.prototype.map.call(table.querySelectorAll("tr"), function (tr) {
      return Array.prototype.map.call(tr.children, function (c) { return c.textContent; });
    }).filter(function (r) { return r.length; });
  }
  function exportTable(table, format) {
    var rows = tableRows(table), head = rows[0] || [], body = rows.slice(1), text, type;
    var view = new URLSearchParams(window.location.search);
    if (format === "csv") {
      text = "\ufeff" + rows.map(function (r) { return r.map(csvCell).join(","); }).join("\r\n") + "\r\n";
      type = "text/csv;charset=utf-8";
    } else {
      var out = { view: Object.fromEntries(Array.from(view.keys()).map(function (k) {
                    return [k, k === "body" ? view.getAll(k) : view.get(k)]; })),
                  columns: head,
                  rows: body.map(function (r) { return r.map(function (t) { return NUMBER.test(t) ? Number(t) : t; }); }) };
      text = JSON.stringify(out, null, 1);
      type = "application/json";
    }
    var name = "compare-" + table.id.replace("compare-", "") + "-" + (view.get("year") || "") + "." + format;
    var link = el("a");
    link.href = URL.createObjectURL(new Blob([text], { type: type }));
    link.download = name;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 0);
  }

  if (typeof document$ !== "undefined") { document$.subscribe(setup); }
  else { document.addEventListener("DOMContentLoaded", setup); }
})();
