/* Search: the edition's index, read by the search box in the header and by the recipe finder.
   On the web, Pagefind's (cookbook/search_index.py), loaded the first time someone searches, in
   chunks for the words asked, so a page view costs nothing until then. Opened from disk, where
   Pagefind cannot load, a local index (cookbook/local_search.py) read with lunr and the
   language's Snowball stemmer. Without JavaScript the header's form opens the finder, which
   lists every recipe. */
(function () {
  "use strict";
  var SHOWN = 6;        // results in the header's list; all of them are in the finder
  var PAUSE = 150;      // ms after the last keystroke: a search per word typed, not per letter
  var backends = {};

  /* The index named by a form's data-index, under its data-root (a page-relative address):
     an object whose search(words, {filters}) resolves to {results: [{data()}]}. */
  function load(form) {
    var root = new URL(form.dataset.root, location.href).href, kind = form.dataset.index;
    var key = kind + " " + root;
    if (!backends[key]) {
      backends[key] = kind === "local" ? local(root) : pagefind(root);
      backends[key].catch(function () { delete backends[key]; });  // a later search tries again
    }
    return backends[key];
  }

  /* Pagefind in the page itself (its worker would be one download more), started at once: its
     program, its metadata and its WebAssembly load while the reader is still typing. */
  function pagefind(root) {
    return import(new URL("pagefind/pagefind.js", root).href).then(function (index) {
      return index.options({ excerptLength: 22 }).then(function () {
        return index.init();
      }).then(function () {
        return { search: function (words, options) { return index.search(words, options); } };
      });
    });
  }

  function script(src) {
    return new Promise(function (resolve, reject) {
      var element = document.createElement("script");
      element.src = src;
      element.onload = resolve;
      element.onerror = reject;
      document.head.appendChild(element);
    });
  }

  function local(root) {
    var lang = document.documentElement.lang, vendor = new URL("assets/vendor/lunr/", root).href;
    function inOrder(files) {
      return files.reduce(function (loaded, file) {
        return loaded.then(function () { return script(file); });
      }, Promise.resolve());
    }
    // The index names the language's stemmer if the site has one (local_search.py).
    return inOrder([vendor + "lunr.min.js", new URL("search-index.js", root).href]).then(function () {
      var stemmer = window.cookbookStemmer;
      return stemmer ? inOrder([vendor + "lunr.stemmer.support.min.js", vendor + stemmer]) : null;
    }).then(function () {
      var pages = window.cookbookLocalIndex, language = window.cookbookStemmer ? lunr[lang] : null;
      // A language with no stemmer is matched word for word: not with English stems and stop words.
      var plain = !language && lang !== "en";
      var index = lunr(function () {
        var builder = this;
        if (language) builder.use(language);
        if (plain) {
          builder.pipeline.remove(lunr.stemmer);
          builder.pipeline.remove(lunr.stopWordFilter);
          builder.searchPipeline.remove(lunr.stemmer);
        }
        builder.ref("i");
        builder.field("title", { boost: 10 });
        builder.field("text");
        builder.metadataWhitelist = ["position"];
        pages.forEach(function (page, i) { builder.add({ i: String(i), title: page.title, text: page.text }); });
      });
      var stopWord = plain ? function (token) { return token; } : (language || lunr).stopWordFilter;
      return {
        search: function (words, options) {
          return Promise.resolve(localResults(index, pages, root, words, stopWord, (options && options.filters) || {}));
        }
      };
    });
  }

  /* Every word required, each stemmed as the index was; then the finder's choices. */
  function localResults(index, pages, root, words, stopWord, filters) {
    var terms = lunr.tokenizer(words).filter(function (token) { return stopWord(token); });
    var hits = terms.length ? index.query(function (query) {
      terms.forEach(function (token) { query.term(token.toString(), { presence: lunr.Query.presence.REQUIRED }); });
    }) : [];
    return {
      results: hits.map(function (hit) { return [pages[Number(hit.ref)], hit]; }).filter(function (found) {
        return Object.keys(filters).every(function (key) {
          return ((found[0].filters || {})[key] || []).indexOf(filters[key]) >= 0;
        });
      }).map(function (found) {
        var page = found[0], data = {
          url: new URL(page.url, root).href, meta: { title: page.title, theme: page.theme },
          excerpt: passage(page.text, found[1].matchData)
        };
        return { data: function () { return Promise.resolve(data); } };
      })
    };
  }

  function escaped(text) {
    return text.replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" }[c]; });
  }

  /* Some 30 words of the page's text around the first match, the matches marked. */
  function passage(text, matchData) {
    var spots = [];
    Object.keys(matchData.metadata).forEach(function (term) {
      var field = matchData.metadata[term].text;
      if (field && field.position) spots = spots.concat(field.position);
    });
    spots.sort(function (a, b) { return a[0] - b[0]; });
    var from = spots.length ? Math.max(0, spots[0][0] - 60) : 0;
    if (from > 0) from = text.indexOf(" ", from) + 1;
    var to = Math.min(text.length, from + 200), out = "", at = from;
    spots.forEach(function (spot) {
      if (spot[0] >= at && spot[0] + spot[1] <= to) {
        out += escaped(text.slice(at, spot[0])) + "<mark>" + escaped(text.slice(spot[0], spot[0] + spot[1])) + "</mark>";
        at = spot[0] + spot[1];
      }
    });
    return (from > 0 ? "… " : "") + out + escaped(text.slice(at, to)) + (to < text.length ? " …" : "");
  }

  /* Pagefind's passage as nodes: only its text and its <mark>s, whatever else it might carry. */
  function excerpt(html) {
    var out = document.createDocumentFragment();
    var parsed = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html").body;
    (function walk(node, into) {
      node.childNodes.forEach(function (child) {
        if (child.nodeType === 3) into.appendChild(document.createTextNode(child.nodeValue));
        else if (child.nodeType === 1) walk(child, child.localName === "mark" ? into.appendChild(document.createElement("mark")) : into);
      });
    })(parsed, out);
    return out;
  }

  /* Only addresses on this site: a result's link can go nowhere else. */
  function sameSite(url) {
    var target = new URL(url, location.href);
    return target.origin === location.origin ? target.href : null;
  }

  /* One result as a list item: title (the link), theme, passage. */
  function item(data) {
    var href = sameSite(data.url);
    if (!href) return null;
    var li = document.createElement("li"), link = document.createElement("a");
    link.href = href;
    link.className = "cb-hit__title";
    link.textContent = (data.meta && data.meta.title) || data.url;
    li.appendChild(link);
    if (data.meta && data.meta.theme) {
      var theme = document.createElement("span");
      theme.className = "cb-hit__theme";
      theme.textContent = data.meta.theme;
      li.appendChild(theme);
    }
    var passage = document.createElement("p");
    passage.className = "cb-hit__excerpt";
    passage.appendChild(excerpt(data.excerpt || ""));
    li.appendChild(passage);
    return li;
  }

  function count(n, element) {
    return n === 1 ? element.dataset.one : element.dataset.many.replace("{n}", n);
  }

  /* Results' data (title, theme, passage, address) as items of `list`. */
  function render(found, list) {
    found.forEach(function (data) {
      var li = item(data);
      if (li) list.appendChild(li);
    });
  }

  /* The results list shows `results` from `start`; resolves to how many it added. */
  function show(results, start, end, list) {
    return Promise.all(results.slice(start, end).map(function (r) { return r.data(); })).then(function (found) {
      render(found, list);
      return found.length;
    });
  }

  window.cookbookSearch = { load: load, show: show, render: render, count: count, pause: PAUSE };

  function header(form) {
    var input = form.elements.q, panel = document.getElementById("cb-search-panel");
    var list = document.getElementById("cb-search-results"), status = document.getElementById("cb-search-status");
    var all = document.getElementById("cb-search-all"), opener = form.parentNode.querySelector(".cb-search__open");
    var finder = all.getAttribute("href"), latest = 0;

    function close(focusInput) {
      panel.hidden = true;
      if (focusInput) input.focus();
    }

    var timer = null;
    function typed() {
      load(form).catch(function () {});  // the index loads while the words are typed
      clearTimeout(timer);
      timer = setTimeout(run, PAUSE);
    }

    function run() {
      var words = input.value.trim(), ticket = ++latest;
      if (words.length < 2) {
        close(false);
        status.textContent = "";
        return;
      }
      load(form).then(function (index) {
        return index.search(words, {});
      }).then(function (search) {
        if (ticket !== latest) return;  // a newer query is on its way
        list.textContent = "";
        return show(search.results, 0, SHOWN, list).then(function () {
          if (ticket !== latest) return;
          var n = search.results.length;
          status.textContent = n ? count(n, form) : form.dataset.none;
          all.href = finder + "?q=" + encodeURIComponent(words);
          all.parentNode.hidden = !n;
          if (!n) list.innerHTML = "";
          panel.hidden = false;
          if (!n) {
            var none = document.createElement("li");
            none.className = "cb-hit--none";
            none.textContent = form.dataset.none;
            list.appendChild(none);
          }
        });
      }).catch(function () {
        if (ticket !== latest) return;
        list.textContent = "";
        status.textContent = form.dataset.failed;
        var failed = document.createElement("li");
        failed.className = "cb-hit--none";
        failed.textContent = form.dataset.failed;
        list.appendChild(failed);
        all.parentNode.hidden = true;
        panel.hidden = false;
      });
    }

    function links() {
      return Array.prototype.slice.call(panel.querySelectorAll("a"));
    }

    input.addEventListener("input", typed);
    input.addEventListener("focus", function () {  // the reader is about to type: get the index ready
      load(form).catch(function () {});
    });
    input.addEventListener("click", function () {  // back into the box: its results again
      if (input.value.trim().length >= 2 && list.childNodes.length) panel.hidden = false;
    });
    // Arrow keys move from the box through the results and back; Escape closes them.
    form.addEventListener("keydown", function (event) {
      var targets = links(), at = targets.indexOf(document.activeElement);
      if (event.key === "Escape") {
        if (!panel.hidden) {
          event.preventDefault();
          close(true);
        } else if (opener && !opener.hidden) {
          setOpen(false);
        }
      } else if (event.key === "ArrowDown" && targets.length && input.value.trim().length >= 2) {
        event.preventDefault();
        panel.hidden = false;  // closed with Escape: the same results again
        targets[Math.min(at + 1, targets.length - 1)].focus();
      } else if (event.key === "ArrowUp" && at >= 0) {
        event.preventDefault();
        if (at === 0) input.focus(); else targets[at - 1].focus();
      }
    });
    // A click or focus elsewhere closes the results.
    document.addEventListener("click", function (event) {
      if (!form.parentNode.contains(event.target)) close(false);
    });
    form.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !form.parentNode.contains(event.relatedTarget)) close(false);
    });

    // On a narrow screen the box opens from a button, over the header's title.
    function setOpen(open) {
      form.parentNode.classList.toggle("cb-search--open", open);
      opener.setAttribute("aria-expanded", String(open));
      opener.setAttribute("aria-label", open ? opener.dataset.close : opener.dataset.open);
      if (open) input.focus(); else { close(false); opener.focus(); }
    }
    if (opener) {
      opener.hidden = false;
      form.parentNode.classList.add("cb-search--collapsible");
      opener.addEventListener("click", function () {
        setOpen(!form.parentNode.classList.contains("cb-search--open"));
      });
    }
  }

  function init() {
    var form = document.getElementById("cb-search");
    if (form && !form.dataset.ready) {
      form.dataset.ready = "1";
      header(form);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
