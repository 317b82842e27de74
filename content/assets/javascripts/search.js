// The site's search box (overrides/partials/site-search.html) on Pagefind's index (builder/site/search_index.py).
// Nothing is loaded until a reader starts to search; then pagefind/indexes.json names the index folders
// (one per part of the site, the first one's pagefind.js searches them all: Pagefind's mergeIndex), and a
// query loads only the chunks of its words and the results it shows, SHOWN at a time ("显示更多" shows
// the next ones: every result can be reached). A body's or a region's page holds the code of every part
// of its names (search_index.name_words: a body's former names too), the words a search for its own name
// asks weighing most (search_index.name_exact); a query is asked as the code of each of its words (NFKC,
// lower case, every character that is neither a letter nor a digit a space), each a whole word of the
// index. A result named as the query itself comes first, then one formerly named so. Text only
// (textContent): nothing from the index becomes markup.
(function () {
  "use strict";
  var SHOWN = 10;  // results shown at a time (each loads its fragment)
  var KINDS = { body: "机关", region: "地区" };
  var RANK = { body: 0, region: 1 };  // among results named as the query (then those formerly named so)
  // search_index: _DIGITS, _COMMON (each character's code), END (ends each word), LONGEST (the longest part
  // of a name indexed whole), LONGEST_NAME (the characters of a query its words are taken from)
  var DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz", COMMON = 0x3400, END = "y", LONGEST = 16, LONGEST_NAME = 64;

  // search_index.plain_words: NFKC, lower case, every character neither a letter, a digit nor a mark a space
  function plain(text) {
    return String(text || "").normalize("NFKC").toLowerCase().replace(/[^\p{L}\p{N}\p{M}]+/gu, " ").trim();
  }
  // search_index.name_code: each character (code point) of TEXT as three of DIGITS from U+3400 to U+E09F,
  // else z and four (its code point in base 36)
  function code(text) {
    return Array.from(text).map(function (c) {
      var point = c.codePointAt(0), k = point - COMMON;
      if (k >= 0 && k < 34 * 1296) { return DIGITS[Math.floor(k / 1296)] + DIGITS[Math.floor(k / 36) % 36] + DIGITS[k % 36]; }
      return "z" + [46656, 1296, 36, 1].map(function (d) { return DIGITS[Math.floor(point / d) % 36]; }).join("");
    }).join("");
  }
  // search_index._bounded: the plain words of TEXT, cut after LONGEST_NAME characters in all (as arrays of
  // characters)
  function bounded(text) {
    var words = [], left = LONGEST_NAME, all = plain(text);
    if (!all) { return words; }
    all.split(" ").forEach(function (word) {
      var chars = Array.from(word);
      if (left > 0) { words.push(chars.slice(0, left)); }
      left -= chars.length;
    });
    return words;
  }
  // search_index.query_words: the words Pagefind is asked for, space-separated: the code of each word of the
  // query and END, a word longer than LONGEST as its parts LONGEST long, the last one ending with it
  function terms(text) {
    var words = [];
    bounded(text).forEach(function (chars) {
      if (chars.length <= LONGEST) { words.push(code(chars.join("")) + END); return; }
      for (var i = 0; i + LONGEST < chars.length; i += LONGEST) { words.push(code(chars.slice(i, i + LONGEST).join("")) + END); }
      words.push(code(chars.slice(chars.length - LONGEST).join("")) + END);
    });
    return words.join(" ");
  }
  function joined(text) { return plain(text).replace(/ /g, ""); }
  function sameName(a, b) { return joined(a) === joined(b); }

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

  // {total, ids: every result's id, results: Pagefind's, shown: the data (id, url, meta: title, kind, years,
  // region) of the first SHOWN results, a page named as the query first (a body's, then a region's)}; null
  // when the query has no word
  async function find(query, shown) {
    var words = terms(query);
    if (!words) { return null; }
    var pagefind = await load();
    var found = await pagefind.search(words);
    var results = found ? found.results : [];
    var data = await page(results, 0, shown ?? SHOWN);
    var order = data.map(function (d, k) {
      var meta = d.meta || {};
      var named = sameName(meta.title, query) ? 0 : String(meta.former || "").split("、").some(function (f) {
        return sameName(f, query);
      }) ? 1 : 2;
      return [named, named === 0 ? (RANK[meta.kind] ?? 2) : 0, k, d];
    }).sort(function (x, y) { return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; });
    return { total: results.length, ids: results.map(function (r) { return r.id; }), results: results,
             shown: order.map(function (o) { return o[3]; }) };
  }
  // the data of RESULTS[from, from + count), each with its id
  async function page(results, from, count) {
    return Promise.all(results.slice(from, from + count).map(async function (r) {
      var d = await r.data();
      d.id = r.id;
      return d;
    }));
  }
  window.siteSearch = { find: find, page: page, terms: terms, code: code };  // for the browser tests

  function setUp() {
    var box = document.querySelector("[data-site-search]");
    if (!box || box.dataset.ready) { return; }
    box.dataset.ready = "1";
    var input = box.querySelector(".site-search__input"), open = box.querySelector(".site-search__open");
    var results = box.querySelector(".site-search__results"), list = box.querySelector(".site-search__list");
    var status = box.querySelector(".site-search__status");
    var more = document.createElement("button");  // the next SHOWN results
    more.type = "button";
    more.className = "site-search__more";
    more.textContent = "显示更多";
    more.hidden = true;
    results.append(more);
    var asked = 0, timer = 0, current = null;

    function show(text, items) {
      status.textContent = text;
      list.replaceChildren.apply(list, items || []);
      results.hidden = false;
      more.hidden = true;
    }

    function counted() {
      var n = list.children.length;
      status.textContent = current.asking + "：找到 " + current.total + " 个结果" +
        (current.total > n ? "，显示前 " + n + " 个" : "");
      more.hidden = current.total <= n;
    }

    function item(data, query) {
      var li = document.createElement("li"), a = document.createElement("a");
      var name = document.createElement("span"), about = document.createElement("span");
      var meta = data.meta || {};
      a.href = data.url;
      a.className = "site-search__link";
      name.className = "site-search__name";
      name.textContent = meta.title || data.url;
      about.className = "site-search__about";
      var kind = KINDS[meta.kind] || "";
      if (meta.kind === "body" && meta.years) { kind += " · " + meta.years + " 年"; }
      // a body found by a former name says so
      var former = String(meta.former || "").split("、").filter(function (f) {
        return f && query && joined(f).includes(joined(query)) && !joined(meta.title).includes(joined(query));
      });
      about.textContent = [kind, meta.region, former.length ? "曾用名 " + former.join("、") : ""].filter(Boolean).join(" · ");
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
      show("", found.shown.map(function (d) { return item(d, query); }));
      current = { asking: asking, query: query, total: found.total, results: found.results, mine: mine };
      counted();
    }

    more.addEventListener("click", async function () {
      var now = current;
      if (!now || now.mine !== asked) { return; }
      more.disabled = true;
      try {
        var data = await page(now.results, list.children.length, SHOWN);
        if (now === current && now.mine === asked) { list.append.apply(list, data.map(function (d) { return item(d, now.query); })); counted(); }
      } catch (err) { console.warn("search results not loaded", err); }
      more.disabled = false;
    });

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
