// The page-views chart of the admin's statistics page: the figures come from the
// page itself (json_script), chart.js from our own static files.
(function () {
  "use strict";
  var data = document.getElementById("page-views-data");
  var canvas = document.getElementById("page-views-chart");
  if (!data || !canvas || typeof Chart === "undefined") {
    return;
  }
  var chart = JSON.parse(data.textContent);
  window.pageViewsChart = new Chart(canvas, {
    type: "line",
    data: {
      labels: chart.labels,
      datasets: [{ label: chart.label, data: chart.views, fill: true, tension: 0.2 }],
    },
    options: {
      animation: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
  var publishing = document.getElementById("publishing-chart");
  if (publishing && chart.publishing) {
    window.publishingChart = new Chart(publishing, {
      type: "bar",
      data: {
        labels: chart.publishing.labels,
        datasets: [{ label: chart.publishing.label, data: chart.publishing.items }],
      },
      options: {
        animation: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }
})();
