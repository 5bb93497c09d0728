/* The recipe finder: the choices filter the list that the page already shows (so the page works
   without JavaScript); with search words, the edition's search index (search.js) ranks the
   recipes that match both. The state is kept in the address, so a view can be shared, and the
   count is announced to screen readers. */
(function () {
  "use strict";
  var FIELDS = ["theme", "stage", "actor", "difficulty", "evidence", "duration"];
  var PAGE = 20;  // search results shown at a time

  function init() {
    var form = document.getElementById("cb-finder");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "1";
    var count = document.getElementById("cb-finder-count");
    var list = document.getElementById("cb-finder-results"), hits = document.getElementById("cb-finder-hits");
    var more = document.getElementById("cb-finder-more");
    var items = Array.prototype.slice.call(list.querySelectorAll("li[data-id]"));
    var words = form.elements.q;  // only in an edition with a search index
    var search = window.cookbookSearch, latest = 0;

    var params = new URLSearchParams(location.search);
    if (words) words.value = params.get("q") || "";
    FIELDS.forEach(function (name) {
      var select = form.elements[name], wanted = params.get(name);
      if (select && wanted && Array.prototype.some.call(select.options, function (o) { return o.value === wanted; })) {
        select.value = wanted;
      }
    });

    function chosen() {
      var values = {};
      FIELDS.forEach(function (name) { values[name] = form.elements[name].value; });
      return values;
    }

    function counted(n) {
      return n === 1 ? form.dataset.one : form.dataset.many.replace("{n}", n);
    }

    function remember(values, text) {
      var query = new URLSearchParams();
      if (text) query.set("q", text);
      FIELDS.forEach(function (name) { if (values[name]) query.set(name, values[name]); });
      var state = query.toString();
      history.replaceState(null, "", location.pathname + (state ? "?" + state : "") + location.hash);
    }

    function fits(li, values) {
      return FIELDS.every(function (name) {
        return !values[name] || (li.dataset[name] || "").split(" ").indexOf(values[name]) >= 0;
      });
    }

    function filter(values) {
      var shown = 0;
      items.forEach(function (li) {
        li.hidden = !fits(li, values);
        if (!li.hidden) shown += 1;
      });
      list.hidden = false;
      hits.hidden = more.hidden = true;
      return shown;
    }

    // A result's recipe in the list, by the address both link to.
    var byPath = {};
    items.forEach(function (li) { byPath[li.querySelector("a").pathname] = li; });
    function recipeOf(data) {
      return byPath[new URL(data.url, location.href).pathname];
    }

    function ranked(values, text, ticket) {
      var chosen = FIELDS.some(function (name) { return values[name]; });
      return search.load(form).then(function (index) {
        return index.search(text, { filters: { type: "recipe" } });
      }).then(function (result) {
        if (ticket !== latest) return;  // a newer query is on its way
        // With choices, every result is read and checked against the list; without, a page
        // of results at a time.
        var reading = chosen ? Promise.all(result.results.map(function (r) { return r.data(); })).then(function (found) {
          return found.filter(function (data) { var li = recipeOf(data); return li && fits(li, values); });
        }) : null;
        return Promise.resolve(reading).then(function (matching) {
          if (ticket !== latest) return;
          var total = matching ? matching.length : result.results.length, shown = 0;
          function next() {
            var page = matching ? Promise.resolve(matching.slice(shown, shown + PAGE))
              : Promise.all(result.results.slice(shown, shown + PAGE).map(function (r) { return r.data(); }));
            return page.then(function (found) {
              search.render(found, hits);
              shown += found.length;
              more.hidden = shown >= total;
            });
          }
          more.onclick = function () {
            var first = hits.children.length;
            next().then(function () {
              var link = hits.children[first] && hits.children[first].querySelector("a");
              if (link) link.focus();
            });
          };
          hits.textContent = "";
          return next().then(function () {
            list.hidden = true;
            hits.hidden = false;
            count.textContent = counted(total);
          });
        });
      });
    }

    function update() {
      var values = chosen(), text = words ? words.value.trim() : "", ticket = ++latest;
      remember(values, text);
      if (!text || !search) {
        count.textContent = counted(filter(values));
        return;
      }
      ranked(values, text, ticket).catch(function () {
        if (ticket !== latest) return;
        filter(values);
        count.textContent = form.dataset.failed;
      });
    }

    var timer = null;
    form.addEventListener("change", update);
    if (words && search) {
      words.addEventListener("input", function () {  // a search per word typed, not per letter
        search.load(form).catch(function () {});
        clearTimeout(timer);
        timer = setTimeout(update, search.pause);
      });
    }
    form.addEventListener("reset", function () { setTimeout(update, 0); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      update();
      count.tabIndex = -1;
      count.focus();  // to the results, as a submit button would take a reader without scripts
    });
    form.hidden = false;
    update();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
