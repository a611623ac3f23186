// Sphinx's own Japanese catalog (sphinx/locale/ja) leaves these search messages untranslated;
// the Japanese edition loads this after Sphinx's translations.js (autograder.japanese_book).
Documentation.addTranslations({
  locale: "ja",
  messages: {
    "Search finished, found ${resultCount} page(s) matching the search query.":
      "検索が終了しました。検索条件に一致するページが ${resultCount} 件見つかりました。",
    ", in ": "、場所: ",
  },
  plural_expr: "0",
});
