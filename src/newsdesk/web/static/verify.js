// newsdesk: show how a sentence was verified when the reader points at it or focuses it.
// Every sentence span carries its verdict in data-verdict and the verifier's wording and
// evidence in its title; this turns that into a visible card (the page works without it).
(function () {
  "use strict";
  var card = document.createElement("div");
  card.id = "verdict-card";
  card.setAttribute("role", "tooltip");
  card.hidden = true;
  document.body.appendChild(card);

  function show(span) {
    var text = span.getAttribute("data-tooltip") || "";
    if (!text) { return; }
    card.textContent = text;
    card.setAttribute("data-verdict", span.getAttribute("data-verdict") || "");
    var box = span.getBoundingClientRect();
    card.hidden = false;
    card.style.left = Math.max(8, box.left + window.scrollX) + "px";
    card.style.top = (box.bottom + window.scrollY + 6) + "px";
  }

  function hide() { card.hidden = true; }

  var spans = document.querySelectorAll(".sentence[title]");
  for (var i = 0; i < spans.length; i++) {
    var span = spans[i];
    // Keep the wording for the card; a native tooltip on top of it would repeat it.
    span.setAttribute("data-tooltip", span.getAttribute("title"));
    span.removeAttribute("title");
    span.setAttribute("tabindex", "0");
    span.addEventListener("mouseenter", function () { show(this); });
    span.addEventListener("focus", function () { show(this); });
    span.addEventListener("mouseleave", hide);
    span.addEventListener("blur", hide);
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { hide(); }
  });
}());
