// The Japanese edition's search: split a query into the words of the search index.
// Sphinx's Japanese index splits the text with TinySegmenter (at build time, in Python), but its
// JavaScript has no Japanese splitter: a query such as 更新ゲート stayed one word, which the index
// (更新, ゲート) does not hold, and the search found only titles and glossary terms. searchtools.js
// uses this splitQuery instead of its own (it defines one only when none exists). Each run of
// letters is cut greedily into the longest words that the index holds; characters that start no
// indexed word are dropped (Sphinx leaves one-character words out of the index).
var splitQuery = (query) => {
  const runs = query.split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu).filter((run) => run);
  const index = (typeof Search !== "undefined" && Search._index) || {};
  const known = (word) => word in (index.terms || {}) || word in (index.titleterms || {});
  const words = [];
  for (const run of runs) {
    const lower = run.toLowerCase();
    if (known(lower) || /^[\x00-\x7f]+$/.test(run)) { words.push(run); continue; }
    let start = 0;
    while (start < run.length) {
      let end = run.length;
      while (end > start + 1 && !known(lower.slice(start, end))) end--;
      if (known(lower.slice(start, end))) words.push(run.slice(start, end));
      start = end;
    }
  }
  return words;
};
