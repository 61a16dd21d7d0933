// Search-as-you-type for the search page. Progressive enhancement: the form works without it.
(function () {
  "use strict";
  var form = document.querySelector("form.search-form");
  if (!form) return;
  var input = form.querySelector("#search-q");
  var list = form.querySelector("#search-suggestions");
  var count = document.getElementById("result-count");
  var url = form.getAttribute("data-autocomplete-url");
  var timer = null;
  var lastAsked = "";

  function clear() {
    list.innerHTML = "";
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
  }

  function show(results) {
    list.innerHTML = "";
    results.forEach(function (r, i) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.id = "suggestion-" + i;
      var a = document.createElement("a");
      a.href = r.url;
      a.textContent = r.name + " – " + r.supplier;
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = results.length === 0;
    input.setAttribute("aria-expanded", results.length ? "true" : "false");
    if (count) {
      count.textContent = results.length + (document.documentElement.lang === "en" ? " suggestions" : " förslag");
    }
  }

  input.addEventListener("input", function () {
    var value = input.value.trim();
    if (timer) window.clearTimeout(timer);
    if (value.length < 2) { clear(); return; }
    timer = window.setTimeout(function () {
      lastAsked = value;
      fetch(url + "?q=" + encodeURIComponent(value), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) { if (value === lastAsked) show(data.results || []); })
        .catch(clear);
    }, 150);
  });

  input.addEventListener("keydown", function (e) {
    if (e.key === "Escape") clear();
    if (e.key === "ArrowDown" && !list.hidden) {
      var first = list.querySelector("a");
      if (first) { e.preventDefault(); first.focus(); }
    }
  });
})();
