// Starts Swagger UI on /docs (a file of its own: the page's Content-Security-Policy allows no inline script).
window.addEventListener("load", function () {
  var target = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: target.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    // Without deep links: Swagger UI puts an operation's link inside the button that opens it, a
    // control inside a control that keyboards and screen readers cannot reach (axe: nested-interactive).
    deepLinking: false,
    // Its examples in a theme whose colours all have the contrast WCAG 2.1 AA asks for (the default,
    // agate, writes numbers in red on dark grey at 3.5:1).
    syntaxHighlight: { activated: true, theme: "tomorrow-night" },
  });
});
