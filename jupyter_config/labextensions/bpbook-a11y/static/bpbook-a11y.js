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
// - a focused control is shown by a fill colour only: a visible outline is added (style below).
// A MutationObserver keeps all three true as widgets render and as the sliders move.
(function () {
  var STYLE_ID = 'bpbook-a11y-style';
  var CSS = [
    '.bp-figure-alt { display: none !important; }',
    '.jupyter-widgets .noUi-handle:focus, .jupyter-widgets .noUi-handle:focus-visible,',
    '.jupyter-widgets button:focus-visible, .jupyter-widgets select:focus-visible,',
    '.jupyter-widgets input:focus-visible, .jupyter-widgets textarea:focus-visible {',
    '  outline: 3px solid #1a5fb4 !important; outline-offset: 2px; }',
    '.jupyter-widgets .noUi-handle:focus { box-shadow: 0 0 0 5px #ffffff; }'
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

  function apply() {
    nameSliders(document);
    describeFigures(document);
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
