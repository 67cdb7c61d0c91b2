// The health centre board's charts, drawn from the JSON the page carries (the table beside
// each chart says the same, for phones and screen readers). Without ECharts the tables remain.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("health-board-data");
    var names = document.getElementById("health-board-labels");
    if (!source || !names || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var labels = JSON.parse(names.textContent);
    var diseases = Object.keys(data.follow_ups);
    var charts = [];
    function chart(name, option) {
      var el = document.querySelector('[data-chart="' + name + '"]');
      if (!el) return;
      var c = window.echarts.init(el, null, { renderer: "svg" });
      c.setOption(Object.assign({
        animation: false,
        grid: { left: 40, right: 12, top: 32, bottom: 28 },
        legend: { top: 0 },
        xAxis: { type: "category", data: data.months },
      }, option));
      charts.push(c);
    }
    chart("follow_ups", {
      tooltip: { trigger: "axis" },
      yAxis: { type: "value", minInterval: 1 },
      series: diseases.map(function (d) {
        return { name: labels[d], type: "bar", stack: "all", data: data.follow_ups[d] };
      }),
    });
    chart("control", {
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; } },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      series: diseases.map(function (d) {
        return { name: labels[d], type: "line", data: data.control[d], connectNulls: false };
      }),
    });
    chart("contracts", {
      tooltip: { trigger: "axis" },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ name: labels.contracts, type: "line", areaStyle: {}, data: data.contracts }],
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
