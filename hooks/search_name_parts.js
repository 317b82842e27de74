/* Added to Material's search worker by hooks/compact_search.py (patch_search_worker): the words of
   a query as the pieces of a body's name are indexed (compact_search.name_pieces), appended to the
   terms Material makes of the query, so that any part of a name is found whatever it holds.

   Material cuts each run of Han characters of a query into words it finds in the index and keeps
   the rest as it was typed, with no space between: 局案3 became 局3, a term that matches nothing, and
   the last character of a run was dropped (its segmenter never tries a run to its end). And a term
   is matched as the opening of an indexed word, so a part longer than NAME_PIECE characters is
   matched by no piece. Here each word of the query is written as names are indexed (compact_search.
   indexed_name: without quotes, & < > as HTML escapes them) and, of 2 characters or more, kept when
   it holds a Han character or was so rewritten; a word longer than NAME_PIECE characters (Han or
   not) is given as its windows of NAME_PIECE characters from its start, every NAME_PIECE characters
   on, and its last: each window of a part of a name is the opening of the piece of that name that
   starts there. Characters are counted as code points, as Python slices the pieces. */
var searchNameParts = function (query) {
  var size = NAME_PIECE, terms = [];
  query.trim().split(/\s+/).forEach(function (typed) {
    var word = typed.replace(/"/g, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    var chars = Array.from(word);
    if (chars.length < 2)
      return;
    if (chars.length <= size) {
      if (word !== typed || /\p{sc=Han}/u.test(word))
        terms.push(word);
      return;
    }
    for (var start = 0; start + size < chars.length; start += size)
      terms.push(chars.slice(start, start + size).join(""));
    terms.push(chars.slice(chars.length - size).join(""));
  });
  return terms.join(" ");
};

/* Added to the worker with the function above (compact_search.patch_search_worker): search(query)'s results, with
   the page whose title is the query itself (a body's full name: 平潭综合实验区) first, the others in
   Material's order; and without the zero-width spaces jieba put between words (the index keeps those
   lunr needs to cut Chinese into words: compact_search.idle_breaks), so that no snippet holds one.
   A title is compared as names are indexed (compact_search.indexed_name): without those spaces and
   quotes, & < > as HTML escapes them, blanks left out. */
var searchNameFirst = function (query, groups, map) {
  var plain = function (text) { return String(text).replace(/\u200b/g, ""); };
  var name = function (text) { return plain(text).replace(/"/g, "").replace(/\s+/g, ""); };
  var typed = name(query.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"));
  var first = [], rest = [];
  groups.forEach(function (group) {
    group.forEach(function (doc) {
      if (typeof doc.title === "string") doc.title = plain(doc.title);
      if (typeof doc.text === "string") doc.text = plain(doc.text);
    });
    var entry = map.get(group[0].location);
    var page = entry && entry.parent ? entry.parent : entry;
    (typed && page && name(page.title) === typed ? first : rest).push(group);
  });
  return first.concat(rest);
};
