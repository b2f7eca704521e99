// bpbook's JupyterLab extension, written by hand in the container format that JupyterLab uses
// to load a prebuilt extension (window._JUPYTERLAB[name] with init and get), so it needs no
// build step and no npm packages. It shares no modules: it only uses the `app` it is given.
//
// A chapter is a Jupytext percent script named NN_slug.py (the pattern conftest.py collects).
// JupyterLab chooses a viewer by file type, and every .py file has the type "python", which
// opens in the editor. This extension adds the file type "bpbook-chapter", matched by name,
// whose content is a notebook (Jupytext's contents manager reads the script as one), and makes
// the Notebook viewer its default. bpbook's modules and tests keep the type "python".
(function () {
  var FILE_TYPE = 'bpbook-chapter';
  var CHAPTER_NAME = '^\\d\\d_[a-z0-9_]+\\.py$';
  var VIEWER = 'Notebook';

  var plugin = {
    id: 'bpbook-chapters:plugin',
    description: 'Opens bpbook chapters (NN_slug.py) as notebooks.',
    autoStart: true,
    activate: function (app) {
      var registry = app.docRegistry;
      var notebook = registry.getFileType('notebook');
      registry.addFileType(
        {
          name: FILE_TYPE,
          displayName: 'bpbook chapter',
          contentType: 'notebook',
          pattern: CHAPTER_NAME,
          extensions: [],
          icon: notebook ? notebook.icon : undefined
        },
        [VIEWER]
      );
      // overrides.json names the same default; setting it here too means a chapter opened
      // from a URL as soon as the page loads cannot get the editor before settings arrive.
      app.restored.then(function () {
        try {
          registry.setDefaultWidgetFactory(FILE_TYPE, VIEWER);
        } catch (err) {
          console.warn('bpbook-chapters: cannot make ' + VIEWER + ' the default viewer', err);
        }
      });
    }
  };

  var scope = (window._JUPYTERLAB = window._JUPYTERLAB || {});
  scope['bpbook-chapters'] = {
    init: function () {},
    get: function (module) {
      if (module !== './extension') {
        return Promise.reject(new Error('bpbook-chapters has no module ' + module));
      }
      return Promise.resolve(function () {
        return { __esModule: true, default: [plugin] };
      });
    }
  };
})();
