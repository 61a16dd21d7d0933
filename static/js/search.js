// Search page enhancements: suggestions while typing, and a limit on items picked for comparison.
// Progressive enhancement: without JavaScript the forms submit as usual and the server checks the limit.
(function () {
  "use strict";

  function setUpSuggestions(form) {
    var input = form.querySelector("#search-q");
    var box = form.querySelector("#search-suggestions");
    var list = box && box.querySelector("ul");
    var status = form.querySelector("#suggestion-status");
    var url = form.getAttribute("data-autocomplete-url");
    var lang = form.getAttribute("data-lang") || "sv";
    if (!input || !list || !url) return;
    var timer = null;
    var lastAsked = "";

    function say(count) {
      if (!status) return;
      status.textContent = count === 1 ? status.getAttribute("data-one")
        : status.getAttribute("data-many").replace("{n}", String(count));
    }

    function clear() {
      list.innerHTML = "";
      box.hidden = true;
    }

    function show(results) {
      list.innerHTML = "";
      results.forEach(function (r) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = r.url;
        a.textContent = r.name + " – " + r.supplier;
        li.appendChild(a);
        list.appendChild(li);
      });
      box.hidden = results.length === 0;
      say(results.length);
    }

    function links() {
      return Array.prototype.slice.call(list.querySelectorAll("a"));
    }

    input.addEventListener("input", function () {
      var value = input.value.trim();
      if (timer) window.clearTimeout(timer);
      if (value.length < 2) { clear(); return; }
      timer = window.setTimeout(function () {
        lastAsked = value;
        var ask = url + "?q=" + encodeURIComponent(value) + "&lang=" + encodeURIComponent(lang);
        fetch(ask, { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) { if (value === lastAsked) show(data.results || []); })
          .catch(clear);
      }, 150);
    });

    input.addEventListener("keydown", function (e) {
      if (e.key === "Escape") clear();
      if (e.key === "ArrowDown" && !box.hidden) {
        var all = links();
        if (all.length) { e.preventDefault(); all[0].focus(); }
      }
    });

    // Arrow keys move through the suggestions; Escape goes back to the search box.
    list.addEventListener("keydown", function (e) {
      var all = links();
      var i = all.indexOf(document.activeElement);
      if (i < 0) return;
      if (e.key === "ArrowDown" && i < all.length - 1) { e.preventDefault(); all[i + 1].focus(); }
      if (e.key === "ArrowUp") { e.preventDefault(); (i > 0 ? all[i - 1] : input).focus(); }
      if (e.key === "Escape") { e.preventDefault(); clear(); input.focus(); }
    });

    document.addEventListener("click", function (e) {
      if (!form.contains(e.target)) clear();
    });
  }

  function setUpCompareLimit(form) {
    var max = parseInt(form.getAttribute("data-max"), 10) || 4;
    var message = form.getAttribute("data-too-many");
    var status = form.querySelector("#compare-status");
    form.addEventListener("change", function (e) {
      var box = e.target;
      if (box.name !== "id" || !box.checked) {
        if (status) status.textContent = "";
        return;
      }
      if (form.querySelectorAll('input[name="id"]:checked').length > max) {
        box.checked = false;
        if (status) status.textContent = message;
      }
    });
  }

  var searchForm = document.querySelector("form.search-form");
  if (searchForm) setUpSuggestions(searchForm);
  var compareForm = document.getElementById("compare-form");
  if (compareForm) setUpCompareLimit(compareForm);
})();
