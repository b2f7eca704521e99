// MathJax 3 in the static edition (Sphinx puts this after myst's options, before MathJax loads).
// Saved widgets are drawn by the widget manager after the page has loaded, and MathJax must
// typeset their math too: the labels it asks for with the MathJax 2 call
// MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]) (answered here: MathJax 3 has no Hub),
// and the HTML that an explorer's Output shows (typeset here as it is added to the page). The
// explorers write inline math as $…$, so MathJax reads $…$ as well as \(…\); code is never read.
(function () {
  const waiting = [];
  function typeset(element) {
    const mathjax = window.MathJax;
    if (mathjax && mathjax.typesetPromise) mathjax.typesetPromise([element]);
    else waiting.push(element);
  }
  const hub = {
    Queue(...jobs) {
      for (const [op, , element] of jobs) if (op === "Typeset" && element) typeset(element);
    },
  };
  new MutationObserver((records) => {
    for (const record of records)
      for (const node of record.addedNodes)
        if (node.nodeType === 1 && !node.tagName.startsWith("MJX") && node.closest(".widget-output"))
          typeset(node);
  }).observe(document.documentElement, {childList: true, subtree: true});
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
