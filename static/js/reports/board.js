// The trends board's charts, drawn from the JSON the page carries: each series says how it
// is drawn (its role). The table under each chart says the same numbers, for phones, print
// and screen readers; without ECharts the tables remain.
(function () {
  "use strict";
  var FONT = 'system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';
  var COLORS = ["#0b5d56", "#d9480f", "#1971c2", "#f59f00", "#862e9c", "#2f9e44", "#c2255c", "#495057", "#0c8599", "#5f3dc4"];

  function seriesOf(spec) {
    var series = [];
    var hasRate = false;
    spec.series.forEach(function (s) {
      var base = { name: s.name, data: s.data, emphasis: { focus: "series" } };
      if (s.role === "table") return;
      if (s.role === "stack") {
        series.push(Object.assign(base, { type: "bar", stack: "units", barMaxWidth: 28 }));
      } else if (s.role === "area") {
        series.push(Object.assign(base, { type: "line", stack: "kinds", areaStyle: {}, symbol: "none" }));
      } else if (s.role === "backdrop") {
        // What was expected, drawn behind what came in.
        series.push(Object.assign(base, { type: "bar", barGap: "-100%", barMaxWidth: 20, itemStyle: { color: "#dee2e6" } }));
      } else if (s.role === "bar") {
        series.push(Object.assign(base, { type: "bar", barMaxWidth: 20 }));
      } else if (s.role === "rate") {
        hasRate = true;
        series.push(Object.assign(base, { type: "line", yAxisIndex: 1, connectNulls: false, symbolSize: 6 }));
      } else {
        series.push(Object.assign(base, { type: "line", symbolSize: 6 }));
      }
    });
    return { series: series, hasRate: hasRate };
  }

  function optionFor(days, spec) {
    var built = seriesOf(spec);
    var yAxis = [{ type: "value", minInterval: 1 }];
    if (built.hasRate) {
      yAxis.push({ type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" }, splitLine: { show: false } });
    }
    return {
      animation: false,
      color: COLORS,
      textStyle: { fontFamily: FONT },
      tooltip: {
        trigger: "axis",
        confine: true,
        valueFormatter: function (v) { return v == null ? "—" : v; },
      },
      legend: { type: "scroll", top: 0, textStyle: { fontFamily: FONT } },
      grid: { left: 8, right: built.hasRate ? 8 : 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: days, axisLabel: { hideOverlap: true } },
      yAxis: yAxis,
      series: built.series,
    };
  }

  function draw() {
    var source = document.getElementById("reports-board-data");
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var charts = [];
    Object.keys(data.charts).forEach(function (key) {
      var el = document.querySelector('[data-chart="' + key + '"]');
      if (!el) return;
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(optionFor(data.days, data.charts[key]));
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
