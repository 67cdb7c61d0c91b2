// The schools board's charts, drawn from the JSON the page carries (the tables below each
// chart say the same, for phones and screen readers). Without ECharts the tables remain.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("schools-board-data");
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var charts = [];
    function chart(name, option) {
      var el = document.querySelector('[data-chart="' + name + '"]');
      if (!el) return;
      var c = window.echarts.init(el, null, { renderer: "svg" });
      c.setOption(Object.assign({ animation: false, grid: { left: 40, right: 12, top: 24, bottom: 28 } }, option));
      charts.push(c);
    }
    chart("absence", {
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; } },
      xAxis: { type: "category", data: data.days },
      yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
      series: [{ type: "line", data: data.absence, connectNulls: false }],
    });
    chart("symptoms", {
      tooltip: { trigger: "axis" },
      grid: { left: 90, right: 12, top: 8, bottom: 24 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: data.symptoms.map(function (s) { return s[0]; }) },
      series: [{ type: "bar", data: data.symptoms.map(function (s) { return s[1]; }) }],
    });
    chart("completeness", {
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.days },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { type: "bar", data: data.expected, barGap: "-100%", itemStyle: { color: "#dee2e6" } },
        { type: "bar", data: data.actual },
        { type: "line", data: data.on_time },
      ],
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
