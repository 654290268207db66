/* Filters for the publication list: free text, year, type and topic, combinable, kept in the
   URL (?q=&year=&type=&topic=) so a filtered view can be shared. Without JavaScript the form
   is not shown (see site.css) and every paper is listed. Works with Material's instant navigation
   (off by default: see mkdocs.yml) as well as without. */
(function () {
  "use strict";
  // Instant navigation runs this script again on each visit to the page; set up only once.
  if (window.__publicationFilters) return;
  window.__publicationFilters = true;

  var FIELDS = ["q", "year", "type", "topic"];

  function normalise(text) {
    return (text || "").toLowerCase().replace(/\s+/g, " ").trim();
  }

  function setUp(form) {
    if (form.dataset.ready) return;
    form.dataset.ready = "true";
    var items = Array.prototype.slice.call(document.querySelectorAll(".pub-list > li.pub"));
    var lists = Array.prototype.slice.call(document.querySelectorAll(".pub-list"));
    var status = form.querySelector(".pub-filters__status");

    function state() {
      var values = {};
      FIELDS.forEach(function (name) {
        var control = form.elements[name];
        values[name] = control ? control.value : "";
      });
      return values;
    }

    function matches(item, values) {
      if (values.year && item.dataset.year !== values.year) return false;
      if (values.type && item.dataset.type !== values.type) return false;
      if (values.topic && JSON.parse(item.dataset.topics || "[]").indexOf(values.topic) < 0) {
        return false;
      }
      if (values.q) {
        var text = normalise(item.textContent);
        return normalise(values.q).split(" ").every(function (word) {
          return text.indexOf(word) >= 0;
        });
      }
      return true;
    }

    function apply(updateUrl) {
      var values = state();
      var shown = 0;
      items.forEach(function (item) {
        var visible = matches(item, values);
        item.hidden = !visible;
        if (visible) shown += 1;
      });
      lists.forEach(function (list) {
        var empty = !list.querySelector("li.pub:not([hidden])");
        list.hidden = empty;
        var heading = list.previousElementSibling;
        if (heading && /^H[2-6]$/.test(heading.tagName)) heading.hidden = empty;
      });
      var filtered = FIELDS.some(function (name) { return values[name]; });
      // The words are the site language's (data-status: "Showing {shown} of {total} ...").
      status.textContent = filtered
        ? (form.dataset.status || "")
            .replace("{shown}", String(shown))
            .replace("{total}", String(items.length))
        : "";
      if (updateUrl) {
        var url = new URL(window.location.href);
        FIELDS.forEach(function (name) {
          if (values[name]) url.searchParams.set(name, values[name]);
          else url.searchParams.delete(name);
        });
        window.history.replaceState(window.history.state, "", url.toString());
      }
    }

    var params = new URLSearchParams(window.location.search);
    FIELDS.forEach(function (name) {
      var control = form.elements[name];
      var value = params.get(name);
      if (!control || value === null) return;
      if (control.tagName === "SELECT" &&
          !Array.prototype.some.call(control.options, function (o) { return o.value === value; })) {
        return;
      }
      control.value = value;
    });
    form.addEventListener("input", function () { apply(true); });
    form.addEventListener("change", function () { apply(true); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () {
      window.setTimeout(function () { apply(true); }, 0);
    });
    apply(false);
  }

  // Set up in a task of its own, after the page and Material's start-up, so that neither
  // holds up the other.
  function init() {
    window.setTimeout(function () {
      var form = document.querySelector("form[data-pub-filters]");
      if (form) setUp(form);
    }, 0);
  }

  // Material's bundle is deferred too and may run after this script, so wait for
  // DOMContentLoaded (every deferred script has run by then); with Material's instant
  // navigation on, follow its page changes.
  function start() {
    if (window.document$ && window.document$.subscribe) {
      window.document$.subscribe(init);
    } else {
      init();
    }
  }
  if (window.document$ || document.readyState === "complete") {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
