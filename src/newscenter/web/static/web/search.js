/* Search in a static export of the News center (newscenter export): no server answers
 * /news/search/?q=..., so this script reads the query from the address, loads the exported
 * index (headline, standfirst, day and section of every public article) and lists matches.
 * Every word must begin a word of the headline or standfirst ("valve" finds "valves");
 * "a phrase" must appear as written; -word excludes. Headline matches rank first, then the
 * newest. Text goes into the page as text (textContent), never as markup. */
(function () {
  "use strict";

  var LIMIT = 100;
  var box = document.getElementById("static-search");
  var form = document.querySelector("form.search-form");
  if (!box || !form) {
    return;
  }
  var params = new URLSearchParams(window.location.search);
  ["q", "section", "date_from", "date_to", "sort"].forEach(function (name) {
    var field = form.elements.namedItem(name);
    if (field && params.has(name)) {
      field.value = params.get(name);
    }
  });
  var text = (params.get("q") || "").trim();
  if (!text) {
    return;
  }
  // The page's language: its words come from the page (data-messages, from the site's
  // catalogues), its dates and plural forms from the browser's Intl.
  var lang = document.documentElement.lang || "en";
  var messages = JSON.parse(box.getAttribute("data-messages") || "{}");
  var dates = new Intl.DateTimeFormat(lang, {
    year: "numeric", month: "short", day: "numeric", timeZone: "UTC"
  });
  var plurals = new Intl.PluralRules(lang);

  function say(name, values) {
    var message = messages[name] || "";
    if (name === "results") {
      message = message[plurals.select(values.count)] || message.other || "";
    }
    return message.replace(/\{(\w+)\}/g, function (whole, key) {
      return key in values ? String(values[key]) : whole;
    });
  }

  function fold(value) {
    return value.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function escapeRegExp(value) {
    return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function parse(query) {
    var terms = [];
    var pattern = /(-?)"([^"]*)"|(-?)([\p{L}\p{N}]+)/gu;
    var match;
    while ((match = pattern.exec(fold(query))) !== null) {
      var phrase = match[2] !== undefined;
      var words = phrase ? match[2].trim() : match[4];
      if (!words) {
        continue;
      }
      var source = phrase ? escapeRegExp(words) : "(?:^|[^\\p{L}\\p{N}])" + escapeRegExp(words);
      terms.push({ pattern: new RegExp(source, "u"), exclude: Boolean(match[1] || match[3]) });
    }
    return terms;
  }

  function score(terms, headline, standfirst) {
    var total = 0;
    for (var i = 0; i < terms.length; i += 1) {
      var inHeadline = terms[i].pattern.test(headline);
      var found = inHeadline || terms[i].pattern.test(standfirst);
      if (terms[i].exclude ? found : !found) {
        return 0;
      }
      total += terms[i].exclude ? 0 : inHeadline ? 10 : 4;
    }
    return total;
  }

  function day(iso) {
    var parts = iso.split("-");
    return dates.format(new Date(Date.UTC(Number(parts[0]), Number(parts[1]) - 1, Number(parts[2]))));
  }

  function element(name, className, content) {
    var node = document.createElement(name);
    if (className) {
      node.className = className;
    }
    if (content !== undefined) {
      node.textContent = content;
    }
    return node;
  }

  function teaser(article, sections) {
    var item = element("li");
    var body = element("article", "teaser");
    var heading = element("h2");
    var link = element("a", "", article[1]);
    link.href = article[0];
    heading.appendChild(link);
    body.appendChild(heading);
    var meta = element("p", "meta");
    var time = element("time", "", day(article[3]));
    time.dateTime = article[3];
    meta.appendChild(time);
    var section = sections[article[4]];
    if (section) {
      meta.appendChild(document.createTextNode(" · "));
      var sectionLink = element("a", "", section[0]);
      sectionLink.href = section[2];
      meta.appendChild(sectionLink);
    }
    body.appendChild(meta);
    if (article[2]) {
      body.appendChild(element("p", "standfirst", article[2]));
    }
    item.appendChild(body);
    return item;
  }

  function show(index) {
    var terms = parse(text);
    var section = params.get("section") || "";
    var from = params.get("date_from") || "";
    var to = params.get("date_to") || "";
    var found = [];
    index.articles.forEach(function (article, position) {
      var where = index.sections[article[4]];
      if ((section && (!where || where[1] !== section)) || (from && article[3] < from) ||
          (to && article[3] > to)) {
        return;
      }
      var points = terms.length ? score(terms, fold(article[1]), fold(article[2])) : 0;
      if (points > 0) {
        found.push({ article: article, points: points, position: position });
      }
    });
    if (params.get("sort") !== "date") {
      found.sort(function (a, b) { return b.points - a.points || a.position - b.position; });
    }
    var help = document.querySelector(".search-help");
    if (help) {
      help.remove();
    }
    var summary = element("div", "search-summary");
    summary.setAttribute("role", "status");
    var count = say("results", { count: found.length }) + " " + say("for", { query: text });
    if (found.length > LIMIT) {
      count += " · " + say("first", { limit: LIMIT });
    }
    summary.appendChild(element("p", "result-count", count));
    box.appendChild(summary);
    if (!found.length) {
      box.appendChild(element("p", "no-results", say("none", { query: text })));
      return;
    }
    var list = element("ol", "article-list search-results");
    list.setAttribute("role", "list");
    found.slice(0, LIMIT).forEach(function (hit) {
      list.appendChild(teaser(hit.article, index.sections));
    });
    box.appendChild(list);
  }

  fetch(box.getAttribute("data-index"), { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) {
        throw new Error(response.status);
      }
      return response.json();
    })
    .then(show)
    .catch(function () {
      box.appendChild(element("p", "form-errors", say("failed", {})));
    });
})();
