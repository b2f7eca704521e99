// bpbook's accessibility script, written by hand in the container format that JupyterLab uses to
// load a prebuilt extension (window._JUPYTERLAB[name] with init and get; no build step, no npm
// packages). The static pages load the same file as a plain script (docs/conf.py).
//
// ipywidgets 8 leaves three things undone that a screen reader or a keyboard user needs:
// - a slider's handle (role="slider") has no name: it gets aria-label from the slider's
//   description ("W₂"), and aria-valuetext from its readout, rounded as shown ("0.80", not
//   noUiSlider's "0.7999999999999998");
// - an Image widget has no alt: bpbook puts each picture in a box (class bp-figure) with its text
//   alternative in a hidden HTML widget (class bp-figure-alt); it is copied into the image's alt;
// - a focused control is shown by a fill colour only: a visible outline is added (style below),
//   and the coloured buttons get colours dark enough for their white text.
// A MutationObserver keeps all three true as widgets render and as the sliders move.
(function () {
  var STYLE_ID = 'bpbook-a11y-style';
  var CSS = [
    '.bp-figure-alt { display: none !important; }',
    // html body: more specific than ipywidgets' own `outline: none !important` on its inputs
    'html body .jupyter-widgets .noUi-handle:focus, html body .jupyter-widgets button:focus,',
    'html body .jupyter-widgets select:focus, html body .jupyter-widgets input:focus,',
    'html body .jupyter-widgets textarea:focus {',
    '  outline: 3px solid #1a5fb4 !important; outline-offset: 2px; }',
    '.jupyter-widgets .noUi-handle:focus { box-shadow: 0 0 0 5px #ffffff; }',
    // ipywidgets' coloured buttons put white text on light colours (primary: 3.1:1); these
    // darker ones reach 4.5:1 or more.
    '.jupyter-widgets .jupyter-button.mod-primary { background-color: #1565c0; }',
    '.jupyter-widgets .jupyter-button.mod-success { background-color: #2e7d32; }',
    '.jupyter-widgets .jupyter-button.mod-info { background-color: #006c7a; }',
    '.jupyter-widgets .jupyter-button.mod-warning { background-color: #b45309; }',
    '.jupyter-widgets .jupyter-button.mod-danger { background-color: #c62828; }'
  ].join('\n');

  function set(el, name, value) {
    if (value && el.getAttribute(name) !== value) el.setAttribute(name, value);
  }

  function text(el) {
    return el ? el.textContent.replace(/\s+/g, ' ').trim() : '';
  }

  function nameSliders(root) {
    root.querySelectorAll('.widget-slider').forEach(function (slider) {
      var handles = slider.querySelectorAll('.noUi-handle');
      if (!handles.length) return;
      var label = text(slider.querySelector('.widget-label')) || slider.getAttribute('title');
      var readout = slider.querySelector('.widget-readout');
      var shown = readout && getComputedStyle(readout).display !== 'none' ? text(readout) : '';
      var parts = handles.length > 1 ? shown.split(' – ') : [shown];
      handles.forEach(function (handle, i) {
        var which = handles.length > 1 ? (i === 0 ? ' (lower end)' : ' (upper end)') : '';
        set(handle, 'aria-label', label ? label + which : '');
        set(handle, 'aria-valuetext', parts[i] || '');
      });
    });
  }

  function describeFigures(root) {
    root.querySelectorAll('.bp-figure').forEach(function (box) {
      var img = box.querySelector('img');
      var words = text(box.querySelector('.bp-figure-alt'));
      if (img && words) set(img, 'alt', words);
    });
  }

  // The static pages: a table, figure or equation wider than a phone scrolls in its own box;
  // such a box must be reachable by keyboard to be scrolled (tabindex 0, named by its kind).
  var SCROLLERS = 'article table, article .bp-figure, article div.math, ' +
    'article mjx-container[display="true"], article mjx-container.bp-wide-math';
  function scrollBoxes() {
    // Inline math wider than its paragraph (MathJax 3 does not break lines) scrolls in a box.
    document.querySelectorAll('article mjx-container:not([display="true"])').forEach(function (m) {
      var block = m.closest('p, li, td, th, div');
      if (block && m.getBoundingClientRect().right > block.getBoundingClientRect().right + 1) {
        m.classList.add('bp-wide-math');
      }
    });
    document.querySelectorAll(SCROLLERS).forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1 &&
        /auto|scroll/.test(getComputedStyle(box).overflowX);
      if (scrolls && !box.hasAttribute('tabindex')) {
        box.setAttribute('tabindex', '0');
        box.setAttribute('data-bp-scroll', '');
      } else if (!scrolls && box.hasAttribute('data-bp-scroll')) {
        box.removeAttribute('tabindex');
        box.removeAttribute('data-bp-scroll');
      }
    });
  }

  // The static pages' theme: its Search buttons show "Search Ctrl+K" but are named "Search"
  // (a speech user says what they see), and its logo sits outside any landmark.
  function theme() {
    document.querySelectorAll('.search-button-field[aria-label]').forEach(function (b) {
      b.removeAttribute('aria-label');
    });
    var sidebar = document.querySelector('.bd-sidebar-primary');
    if (sidebar && !sidebar.hasAttribute('role')) {
      sidebar.setAttribute('role', 'navigation');
      sidebar.setAttribute('aria-label', 'the book');
    }
  }

  function apply() {
    theme();
    nameSliders(document);
    describeFigures(document);
    scrollBoxes();
  }

  function start() {
    if (!document.getElementById(STYLE_ID)) {
      var style = document.createElement('style');
      style.id = STYLE_ID;
      style.textContent = CSS;
      document.head.appendChild(style);
    }
    var pending = false;
    function schedule() {
      if (pending) return;
      pending = true;
      // After the widget's own update (noUiSlider writes its raw aria-valuetext first).
      window.requestAnimationFrame(function () {
        pending = false;
        apply();
      });
    }
    new MutationObserver(schedule).observe(document.body, {
      subtree: true, childList: true, characterData: true,
      attributes: true, attributeFilter: ['aria-valuetext', 'aria-valuenow']
    });
    window.addEventListener('resize', schedule);
    apply();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }

  var plugin = {
    id: 'bpbook-a11y:plugin',
    description: 'Names the widgets of bpbook for screen readers (the work is done on load).',
    autoStart: true,
    activate: function () {}
  };
  var scope = (window._JUPYTERLAB = window._JUPYTERLAB || {});
  scope['bpbook-a11y'] = {
    init: function () {},
    get: function (module) {
      if (module !== './extension') {
        return Promise.reject(new Error('bpbook-a11y has no module ' + module));
      }
      return Promise.resolve(function () {
        return { __esModule: true, default: [plugin] };
      });
    }
  };
})();
