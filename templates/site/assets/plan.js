/* The measurement plan (cookbook/plan.py): recipes chosen on their pages, in the theme and
   browse lists and in the finder, gathered on the plan page into one table of their metrics by
   level of the logic model, inputs to impact, to download as a spreadsheet (plan-xlsx.js) or
   print.

   The selection is a list of recipe ids (their folder names). This browser keeps it
   (localStorage, shared by every page of the site in either language; in memory where storage
   is refused), and the plan page keeps it in its address too (?r=id,id,…): a plan is shared as
   a link, and opening one makes it the selection. Every text comes from the page (its data
   attributes, written from templates/i18n); titles and the other data are set as text, never
   parsed as HTML. Without JavaScript none of this shows: the pages offer each theme's ready
   plan, which needs no script. */
(function () {
  "use strict";
  var KEY = "cookbook-plan";
  var ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  var RECIPE_PAGE = /\/recipes\/([a-z0-9]+(?:-[a-z0-9]+)*)\/(?:index\.html)?$/;
  var memory = [];        // the selection, where the browser keeps nothing
  var listeners = [];     // called with the selection and a message for screen readers

  /* ---- The selection ---- */

  function parse(text) {
    var seen = {}, found = [];
    String(text || "").split(",").forEach(function (id) {
      id = id.trim();
      if (ID.test(id) && !seen[id]) {
        seen[id] = true;
        found.push(id);
      }
    });
    return found;
  }

  function load() {
    try {
      var stored = localStorage.getItem(KEY);
      if (stored !== null) return parse(stored);
    } catch (error) { /* storage refused: the selection lives in memory */ }
    return memory.slice();
  }

  function save(list, message) {
    memory = list.slice();
    try {
      localStorage.setItem(KEY, list.join(","));
    } catch (error) { /* kept in memory for this page */ }
    changed(message || "");
  }

  function changed(message) {
    var list = load();
    listeners.forEach(function (listener) { listener(list, message); });
  }

  window.addEventListener("storage", function (event) {  // chosen in another tab
    if (event.key === KEY) changed("");
  });

  function counted(n, one, many) {
    return n === 1 ? one : many.replace("{n}", n);
  }

  function planAddress(base, list) {
    return base + (list.length ? "?r=" + list.join(",") : "");
  }

  /* ---- Adding from recipe pages, lists and the finder ---- */

  var bar = null;  // the page's link to the plan, with its count and its status for screen readers

  function setUpBar() {
    bar = document.querySelector("[data-plan-bar]");
    if (!bar) return;
    var link = bar.querySelector("a"), count = bar.querySelector(".cb-plan-bar__count");
    var status = bar.querySelector("[role=status]"), label = bar.querySelector(".cb-plan-bar__label").textContent;
    bar.hidden = false;
    listeners.push(function (list, message) {
      var text = counted(list.length, bar.dataset.one, bar.dataset.many);
      link.href = planAddress(bar.dataset.plan, list);
      count.textContent = text;
      // Said once, after what was done: "Added to the plan: X. Measurement plan: 3 recipes."
      status.textContent = message ? message + " " + label + ": " + text + "." : "";
    });
  }

  /* A recipe's button: its page's (written with the page), or one made for a list item. */
  function showToggle(button, list) {
    var chosen = list.indexOf(button.dataset.planToggle) >= 0;
    var text = chosen ? button.dataset.remove : button.dataset.add;
    button.classList.toggle("cb-plan-toggle--chosen", chosen);
    if (button.dataset.short) {
      // In a list, the visible text leads the accessible name, which says which recipe.
      button.textContent = text;
      button.setAttribute("aria-label", text + ": " + button.dataset.title);
    } else {
      button.textContent = text;
    }
  }

  function toggle(button) {
    var id = button.dataset.planToggle, list = load(), at = list.indexOf(id);
    if (at >= 0) list.splice(at, 1);
    else list.push(id);
    var said = at >= 0 ? bar.dataset.removed : bar.dataset.added;
    save(list, said.replace("{title}", button.dataset.title));
  }

  /* The recipe a list item shows: its data-id, or the recipe page it links to (search results). */
  function recipeOf(item) {
    if (item.dataset.id) return ID.test(item.dataset.id) ? item.dataset.id : null;
    var link = item.querySelector("a[href]");
    var found = link && RECIPE_PAGE.exec(new URL(link.getAttribute("href"), location.href).pathname);
    return found ? found[1] : null;
  }

  function addButton(item) {
    if (item.querySelector("[data-plan-toggle]")) return;
    var id = recipeOf(item), link = item.querySelector("a");
    if (!id) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "cb-plan-toggle cb-plan-toggle--small";
    button.dataset.planToggle = id;
    button.dataset.short = "1";
    button.dataset.add = bar.dataset.add;
    button.dataset.remove = bar.dataset.remove;
    button.dataset.title = link ? link.textContent.trim() : id;
    var holder = document.createElement("span");
    holder.className = "cb-plan-item-action";
    holder.appendChild(button);
    item.appendChild(holder);
    showToggle(button, load());
  }

  function setUpLists() {
    if (!bar) return;
    document.querySelectorAll("[data-plan-list]").forEach(function (list) {
      list.querySelectorAll(":scope > li").forEach(addButton);
      // The finder's search results come and go: each new one gets its button.
      new MutationObserver(function () {
        list.querySelectorAll(":scope > li").forEach(addButton);
      }).observe(list, { childList: true });
    });
    document.querySelectorAll(".cb-plan-add").forEach(function (block) { block.hidden = false; });
    document.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("[data-plan-toggle]");
      if (button) toggle(button);
    });
    listeners.push(function (list) {
      document.querySelectorAll("[data-plan-toggle]").forEach(function (button) { showToggle(button, list); });
    });
  }

  /* ---- The plan page ---- */

  function element(tag, className, text) {
    var made = document.createElement(tag);
    if (className) made.className = className;
    if (text !== undefined) made.textContent = text;
    return made;
  }

  function planPage(app, data) {
    var byId = {}, order = {};
    data.recipes.forEach(function (recipe, index) {
      byId[recipe.id] = recipe;
      order[recipe.id] = index;
    });
    var root = new URL(app.dataset.root, location.href);
    var $ = function (id) { return document.getElementById(id); };
    var summary = $("cb-plan-summary"), empty = $("cb-plan-empty"), items = $("cb-plan-recipes");
    var template = $("cb-plan-item"), pick = $("cb-plan-pick"), select = $("cb-plan-select");
    var actions = $("cb-plan-actions"), sheet = app.querySelector(".cb-plan-sheet"), table = app.querySelector("table");
    var caption = table.querySelector("caption"), status = $("cb-plan-status");
    var notice = $("cb-plan-notice"), noticeText = $("cb-plan-notice-text"), restore = $("cb-plan-restore");
    // The columns, as the page names them (plan.py's COLUMNS without the level, which heads each group).
    var headers = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) {
      return { label: th.textContent, fill: th.classList.contains("cb-plan-fill") };
    });
    var texts = app.dataset;

    function chosenRecipes(list) {
      return list.filter(function (id) { return byId[id]; }).map(function (id) { return byId[id]; })
        .sort(function (a, b) { return order[a.id] - order[b.id]; });  // the book's order, as the build's plans
    }

    /* Every level in order, each with its rows: [metric, recipe]. */
    function levels(recipes) {
      return data.levels.map(function (level) {
        var rows = [];
        recipes.forEach(function (recipe) {
          recipe.metrics.forEach(function (metric) { if (metric[0] === level[0]) rows.push([metric, recipe]); });
        });
        return { id: level[0], label: level[1], description: level[2], rows: rows };
      });
    }

    function recipeAddress(recipe) {
      return new URL(recipe.url, root).href;
    }

    function fillTable(groups) {
      Array.prototype.slice.call(table.tBodies).forEach(function (body) { body.remove(); });
      groups.forEach(function (level) {
        var body = element("tbody", "cb-plan-level" + (level.rows.length ? "" : " cb-plan-level--empty"));
        body.setAttribute("role", "rowgroup");
        body.dataset.level = level.id;
        var head = element("tr", "cb-plan-level-row"), th = element("th");
        th.scope = "rowgroup";
        th.colSpan = headers.length;
        th.append(element("span", "cb-plan-level-name", level.label), " ", element("span", "cb-plan-level-text", level.description));
        head.appendChild(th);
        body.appendChild(head);
        level.rows.forEach(function (row) {
          var metric = row[0], recipe = row[1], tr = element("tr");
          var name = element("th", "cb-plan-metric", metric[1]);
          name.scope = "row";
          tr.appendChild(name);
          [["unit", metric[2]], ["source", metric[3]], ["frequency", metric[4]], ["recipe", null], ["eu_indicator", metric[5]]]
            .forEach(function (pair, index) {
              var td = element("td", "cb-plan-" + pair[0]);
              td.dataset.label = headers[index + 1].label;
              if (pair[0] === "recipe") {
                var link = element("a", "", recipe.title);
                link.href = recipeAddress(recipe);
                td.appendChild(link);
              } else {
                td.textContent = pair[1];
              }
              tr.appendChild(td);
            });
          headers.slice(6).forEach(function (header) {
            var td = element("td", "cb-plan-fill");
            td.dataset.label = header.label;
            tr.appendChild(td);
          });
          body.appendChild(tr);
        });
        if (!level.rows.length) {
          var gap = element("tr", "cb-plan-gap"), td = element("td", "", texts.emptyLevel);
          td.colSpan = headers.length;
          gap.appendChild(td);
          body.appendChild(gap);
        }
        table.appendChild(body);
      });
    }

    function fillList(recipes) {
      items.textContent = "";
      recipes.forEach(function (recipe) {
        var item = template.content.firstElementChild.cloneNode(true);
        var link = item.querySelector("a"), remove = item.querySelector("button");
        link.textContent = recipe.title;
        link.href = recipeAddress(recipe);
        remove.dataset.id = recipe.id;
        remove.setAttribute("aria-label", remove.textContent + ": " + recipe.title);
        items.appendChild(item);
      });
      items.hidden = !recipes.length;
    }

    function fillChoices(recipes) {
      var chosen = {}, groups = {};
      recipes.forEach(function (recipe) { chosen[recipe.id] = true; });
      while (select.options.length > 1) select.remove(1);
      Array.prototype.slice.call(select.querySelectorAll("optgroup")).forEach(function (group) { group.remove(); });
      data.themes.forEach(function (theme) {
        groups[theme[0]] = element("optgroup");
        groups[theme[0]].label = theme[1];
      });
      data.recipes.forEach(function (recipe) {
        if (chosen[recipe.id] || !groups[recipe.theme]) return;
        var option = element("option", "", recipe.title);
        option.value = recipe.id;
        groups[recipe.theme].appendChild(option);
      });
      data.themes.forEach(function (theme) {
        if (groups[theme[0]].children.length) select.appendChild(groups[theme[0]]);
      });
      pick.hidden = select.options.length <= 1;
    }

    var current = [];  // the recipes shown, in order

    function render(list, message) {
      var recipes = chosenRecipes(list), groups = levels(recipes);
      var metrics = groups.reduce(function (sum, level) { return sum + level.rows.length; }, 0);
      current = recipes;
      history.replaceState(null, "", location.pathname + (list.length ? "?r=" + list.join(",") : "") + location.hash);
      var count = counted(recipes.length, texts.one, texts.many);
      summary.textContent = recipes.length ? count + ", " + counted(metrics, texts.metricsOne, texts.metricsMany) : "";
      summary.hidden = !recipes.length;
      empty.hidden = recipes.length > 0;
      actions.hidden = sheet.hidden = !recipes.length;
      caption.textContent = texts.title + ": " + count;
      fillList(recipes);
      fillChoices(recipes);
      fillTable(groups);
      status.textContent = message || "";
    }

    /* The address wins: a shared plan becomes the selection. What was chosen before can be
       had back, and recipes this language does not have are left out, saying how many. */
    var params = new URLSearchParams(location.search);
    if (params.has("r")) {
      var before = load(), wanted = parse(params.get("r"));
      var notes = [], missing = wanted.filter(function (id) { return !byId[id]; }).length;
      if (before.join(",") !== wanted.join(",") && before.length && wanted.length) {
        notes.push(texts.replaced.replace("{count}", counted(before.length, texts.one, texts.many)));
        restore.hidden = false;
        restore.onclick = function () {
          notice.hidden = true;
          save(before, "");
          summary.focus();
        };
      }
      if (missing) notes.push(texts.missing.replace("{count}", counted(missing, texts.one, texts.many)));
      if (notes.length) {
        noticeText.textContent = notes.join(" ");
        notice.hidden = false;
      }
      memory = wanted;
      try { localStorage.setItem(KEY, wanted.join(",")); } catch (error) { /* kept in memory */ }
    }
    summary.tabIndex = -1;  // where focus goes when what it was on is gone

    listeners.push(render);  // drawn by init's first changed()

    items.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-id]");
      if (!button) return;
      var id = button.dataset.id, at = current.findIndex(function (recipe) { return recipe.id === id; });
      var recipe = byId[id];
      save(load().filter(function (other) { return other !== id; }), texts.removed.replace("{title}", recipe.title));
      // Focus stays in the list: on the next recipe's button, or the one before, else the summary.
      var buttons = items.querySelectorAll("button[data-id]");
      var next = buttons[Math.min(at, buttons.length - 1)];
      (next || (select.options.length > 1 ? select : summary)).focus();
    });
    pick.addEventListener("submit", function (event) {
      event.preventDefault();
      var id = select.value;
      if (!byId[id]) return;
      var list = load();
      if (list.indexOf(id) < 0) list.push(id);
      save(list, texts.added.replace("{title}", byId[id].title));
      select.focus();
    });
    $("cb-plan-clear").addEventListener("click", function () {
      save([], texts.cleared);
      notice.hidden = true;
      select.focus();
    });
    $("cb-plan-print").addEventListener("click", function () { window.print(); });
    $("cb-plan-copy").addEventListener("click", function () {
      var said = function (text) { status.textContent = text; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(location.href).then(function () { said(texts.copied); }, function () { said(texts.copyFailed); });
      } else {
        said(texts.copyFailed);
      }
    });
    $("cb-plan-download").addEventListener("click", function () {
      var rows = [];
      levels(current).forEach(function (level) {
        level.rows.forEach(function (row) {
          var metric = row[0];
          rows.push([level.label, metric[1], metric[2], metric[3], metric[4], row[1].title, metric[5], "", "", "", ""]);
        });
      });
      // The same columns and widths as the build's spreadsheets (cookbook/plan.py).
      var widths = data.widths;
      var columns = [{ label: texts.levelLabel, fill: false }].concat(headers).map(function (column, index) {
        return { label: column.label, fill: column.fill, width: widths[index] };
      });
      var count = counted(current.length, texts.one, texts.many);
      var bytes = window.cookbookXlsx.workbook({
        name: texts.sheet, title: texts.title + ": " + count, subject: count, author: texts.publisher,
        comment: texts.comment, created: new Date(), columns: columns, rows: rows
      });
      var blob = new Blob([bytes], { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" });
      var link = element("a");
      link.href = URL.createObjectURL(blob);
      link.download = texts.file;
      link.hidden = true;
      document.body.appendChild(link);
      link.click();
      setTimeout(function () {
        URL.revokeObjectURL(link.href);
        link.remove();
      }, 1000);
    });

    document.getElementById("cb-plan-noscript").hidden = true;
    app.hidden = false;
  }

  function init() {
    setUpBar();
    setUpLists();
    var app = document.getElementById("cb-plan");
    if (app && !app.dataset.ready && window.cookbookPlanData && window.cookbookXlsx) {
      app.dataset.ready = "1";
      planPage(app, window.cookbookPlanData);
    }
    // A theme's ready plan: with the script, its selection opens on the plan page, to edit.
    document.querySelectorAll(".cb-plan-edit").forEach(function (link) { link.hidden = false; });
    changed("");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
