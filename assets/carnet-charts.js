// Draws every interactive chart of the page with the Vega bundle served by
// the site itself. Until a chart is drawn (or if scripts are off), its
// static image stays visible; print always uses the static image.
(function () {
  "use strict";

  var FRENCH_NUMBERS = {
    decimal: ",",
    thousands: "\u00a0",
    grouping: [3],
    currency: ["", "\u00a0€"],
    percent: "\u202f%"
  };

  function drawChart(container) {
    var specNode = container.querySelector("script[type='application/json']");
    var target = container.querySelector(".carnet-vega");
    if (!specNode || !target || typeof window.vegaEmbed !== "function") {
      return;
    }
    var spec = JSON.parse(specNode.textContent);
    window.vegaEmbed(target, spec, {
      actions: false,
      mode: "vega-lite",
      renderer: "svg",
      formatLocale: FRENCH_NUMBERS
    }).then(function () {
      container.classList.add("carnet-drawn");
    }).catch(function (error) {
      console.warn("Graphique non dessiné, image fixe conservée :", error);
    });
  }

  function drawAll() {
    document.querySelectorAll(".carnet-chart").forEach(drawChart);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
