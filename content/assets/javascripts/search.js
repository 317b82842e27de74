// The site's search box (overrides/partials/site-search.html) on Pagefind's index (builder/site/search_index.py).
// Nothing is loaded until a reader starts to search; then pagefind/indexes.json names the index folders
// (one per part of the site, the first one's pagefind.js searches them all: Pagefind's mergeIndex), and a
// query loads only the chunks of its words and the few results it shows. A query is written as names are
// indexed: NFKC (ＡＢＣ → ABC), every character that is neither a letter nor a digit a space (brackets,
// quotes, ·). A result whose name is the query itself (a body's full name) is shown first. Text only
// (textContent): nothing from the index becomes markup.
(function () {
  "use strict";
  var SHOWN = 10;  // results shown (each loads its fragment)
  var KINDS = { body: "机关", report: "年度报告", region: "地区" };
  var RANK = { body: 0, region: 1, report: 2 };  // among results named as the query

  function plain(text) {
    return String(text || "").normalize("NFKC").replace(/[^\p{L}\p{N}\p{M}]+/gu, " ").trim();
  }
  // the words Pagefind is asked for: the query as names are indexed (search_index.name_parts), the browser
  // then cuts it into words, each matched as the start of a word of the page
  function terms(text) { return plain(text).toLowerCase(); }
  function sameName(a, b) { return plain(a).replace(/ /g, "") === plain(b).replace(/ /g, ""); }

  var root = null, engine = null;

  // Pagefind, loaded once: the first index folder's pagefind.js, given the other folders (mergeIndex)
  function load() {
    if (!engine) {
      var config = JSON.parse(document.getElementById("__config").textContent);
      root = new URL(config.base.replace(/\/?$/, "/"), location.href);
      engine = fetch(new URL("pagefind/indexes.json", root)).then(function (r) {
        if (!r.ok) { throw new Error("pagefind/indexes.json: " + r.status); }
        return r.json();
      }).then(async function (listed) {
        var folders = listed.indexes.map(function (f) { return new URL(f, root).href; });
        var pagefind = await import(new URL("pagefind.js", folders[0]).href);
        await pagefind.options({ baseUrl: root.pathname });
        for (var i = 1; i < folders.length; i++) { await pagefind.mergeIndex(folders[i], { baseUrl: root.pathname }); }
        await pagefind.init();
        return pagefind;
      });
      engine.catch(function (err) { engine = null; console.warn("search not loaded", err); });
    }
    return engine;
  }

  // {total, ids: every result's id, shown: the first SHOWN results' data (id, url, meta: title, kind, years,
  // region), a page named as the query first (a body's, then a region's, then its reports)}; null when the
  // query has no word
  async function find(query, shown) {
    var words = terms(query);
    if (!words) { return null; }
    var pagefind = await load();
    var found = await pagefind.search(words);
    var results = found ? found.results : [];
    var data = await Promise.all(results.slice(0, shown || SHOWN).map(function (r) { return r.data(); }));
    var order = data.map(function (d, k) {
      d.id = results[k].id;
      var named = sameName(d.meta && d.meta.title, query);
      return [named ? 0 : 1, named ? (RANK[d.meta.kind] ?? 3) : 0, k, d];
    }).sort(function (x, y) { return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; });
    return { total: results.length, ids: results.map(function (r) { return r.id; }),
             shown: order.map(function (o) { return o[3]; }) };
  }
  window.siteSearch = { find: find, terms: terms };  // for the browser tests

  function setUp() {
    var box = document.querySelector("[data-site-search]");
    if (!box || box.dataset.ready) { return; }
    box.dataset.ready = "1";
    var input = box.querySelector(".site-search__input"), open = box.querySelector(".site-search__open");
    var results = box.querySelector(".site-search__results"), list = box.querySelector(".site-search__list");
    var status = box.querySelector(".site-search__status");
    var asked = 0, timer = 0;

    function show(text, items) {
      status.textContent = text;
      list.replaceChildren.apply(list, items || []);
      results.hidden = false;
    }

    function item(data) {
      var li = document.createElement("li"), a = document.createElement("a");
      var name = document.createElement("span"), about = document.createElement("span");
      var meta = data.meta || {};
      a.href = data.url;
      a.className = "site-search__link";
      name.className = "site-search__name";
      name.textContent = meta.title || data.url;
      about.className = "site-search__about";
      var kind = meta.kind === "report" ? meta.years + " 年" + KINDS.report : (KINDS[meta.kind] || "");
      if (meta.kind === "body" && meta.years) { kind += " · " + meta.years + " 年"; }
      about.textContent = [kind, meta.region].filter(Boolean).join(" · ");
      a.append(name, about);
      li.append(a);
      return li;
    }

    async function search(query) {
      var mine = ++asked, found;
      try { found = await find(query); } catch (err) { if (mine === asked) { show("搜索暂不可用"); } return; }
      if (mine !== asked) { return; }
      if (!found) { results.hidden = true; list.replaceChildren(); return; }
      var asking = "“" + query.trim() + "”";
      if (!found.total) { show("没有找到" + asking); return; }
      show(asking + "：找到 " + found.total + " 个结果" + (found.total > SHOWN ? "，显示前 " + SHOWN + " 个" : ""),
           found.shown.map(item));
    }

    input.addEventListener("focus", function () { load().catch(function () {}); });  // a failure is logged by load
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { search(input.value); }, 120);
    });
    box.querySelector("form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var first = list.querySelector("a");
      if (first) { location.href = first.href; }
    });
    open.addEventListener("click", function () {
      var opened = box.classList.toggle("site-search--open");
      open.setAttribute("aria-expanded", String(opened));
      if (opened) { input.focus(); }
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && (box.contains(document.activeElement) || box.classList.contains("site-search--open"))) {
        box.classList.remove("site-search--open");
        open.setAttribute("aria-expanded", "false");
        results.hidden = true;
        input.blur();
      }
    });
    document.addEventListener("click", function (ev) {
      if (!box.contains(ev.target)) { results.hidden = true; }
    });
    input.addEventListener("focus", function () { if (list.children.length || status.textContent) { results.hidden = false; } });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", setUp); } else { setUp(); }
})();
