/* The recipe finder: filters the list that the page already shows (so it works without
   JavaScript), keeps the filters in the address so a view can be shared, and announces the
   count to screen readers. Data: finder.json, or the list's own attributes when opened from disk. */
(function () {
  "use strict";
  var FIELDS = ["theme", "stage", "actor", "difficulty", "duration"];

  function bucket(days) {
    if (days === null || days === undefined || days === "") return null;
    days = Number(days);
    return days <= 1 ? "day" : days <= 7 ? "week" : days <= 31 ? "month" : "long";
  }

  function fromList(items) {
    return items.map(function (li) {
      return {
        id: li.dataset.id, theme: li.dataset.theme, difficulty: li.dataset.difficulty,
        stages: li.dataset.stages.split(" "), actors: li.dataset.actors.split(" "),
        duration_days: li.dataset.days ? [0, Number(li.dataset.days)] : null
      };
    });
  }

  function init() {
    var form = document.getElementById("cb-finder");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "1";
    var count = document.getElementById("cb-finder-count");
    var items = Array.prototype.slice.call(document.querySelectorAll("#cb-finder-results li[data-id]"));

    var load = window.fetch && location.protocol !== "file:"
      ? fetch(form.dataset.source).then(function (r) { if (!r.ok) throw r; return r.json(); })
      : Promise.reject();
    load.catch(function () { return fromList(items); }).then(function (data) {
      var byId = {};
      data.forEach(function (d) { byId[d.id] = d; });
      var params = new URLSearchParams(location.search);
      FIELDS.forEach(function (name) {
        var select = form.elements[name], wanted = params.get(name);
        if (select && wanted && Array.prototype.some.call(select.options, function (o) { return o.value === wanted; })) {
          select.value = wanted;
        }
      });

      function matches(d, f) {
        return (!f.theme || d.theme === f.theme) &&
          (!f.stage || d.stages.indexOf(f.stage) >= 0) &&
          (!f.actor || d.actors.indexOf(f.actor) >= 0) &&
          (!f.difficulty || d.difficulty === f.difficulty) &&
          (!f.duration || bucket(d.duration_days && d.duration_days[1]) === f.duration);
      }

      function update() {
        var chosen = {}, query = new URLSearchParams(), shown = 0;
        FIELDS.forEach(function (name) {
          chosen[name] = form.elements[name].value;
          if (chosen[name]) query.set(name, chosen[name]);
        });
        items.forEach(function (li) {
          var visible = !!byId[li.dataset.id] && matches(byId[li.dataset.id], chosen);
          li.hidden = !visible;
          if (visible) shown += 1;
        });
        count.textContent = shown === 1 ? form.dataset.one : form.dataset.many.replace("{n}", shown);
        var search = query.toString();
        history.replaceState(null, "", location.pathname + (search ? "?" + search : "") + location.hash);
      }

      form.addEventListener("change", update);
      form.addEventListener("reset", function () { setTimeout(update, 0); });
      form.addEventListener("submit", function (event) { event.preventDefault(); });
      form.hidden = false;
      update();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
