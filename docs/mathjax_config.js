// MathJax 3 in the static edition (Sphinx puts this after myst's options, before MathJax loads).
// The widget manager typesets what a saved widget shows (an explorer's Markdown output) with the
// MathJax 2 call MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]); MathJax 3 has no Hub, so
// the call is answered here: until MathJax is ready the elements wait, then each is typeset.
// That Markdown writes $…$ for inline math, so MathJax reads $…$ too (Sphinx's own math comes
// as \(…\); code and pre blocks are never read).
(function () {
  const waiting = [];
  const hub = {
    Queue(...jobs) {
      for (const [op, , element] of jobs) {
        if (op !== "Typeset" || !element) continue;
        if (window.MathJax.typesetPromise) window.MathJax.typesetPromise([element]);
        else waiting.push(element);
      }
    },
  };
  window.MathJax = Object.assign(window.MathJax || {}, {
    Hub: hub,
    tex: {inlineMath: [["$", "$"], ["\\(", "\\)"]], processEscapes: true},
    startup: {
      ready() {
        window.MathJax.startup.defaultReady();
        window.MathJax.Hub = hub;
        window.MathJax.startup.promise.then(() => waiting.length && window.MathJax.typesetPromise(waiting.splice(0)));
      },
    },
  });
})();
