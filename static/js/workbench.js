// The workbench chart: activities this year per branch and the compliance rate (ECharts,
// vendored; data from the page's json_script block).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var holder = document.getElementById("activity-chart");
    var source = document.getElementById("workbench-data");
    if (!holder || !source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent).activities;
    var zh = (document.documentElement.lang || "zh").indexOf("zh") === 0;
    var names = data.map(function (d) { return d.branch.replace("项目党支部", ""); });
    var chart = window.echarts.init(holder, null, { renderer: "svg", locale: zh ? "ZH" : "EN" });
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 8, bottom: 8, top: 32, containLabel: true },
      xAxis: window.portalCategoryAxis(names, holder.clientWidth),
      yAxis: [{ type: "value" }, { type: "value", max: 100, axisLabel: { formatter: "{value}%" } }],
      series: [
        { name: zh ? "本年活动" : "Activities this year", type: "bar", data: data.map(function (d) { return d.year; }) },
        { name: zh ? "落实率" : "Compliance rate", type: "line", yAxisIndex: 1, data: data.map(function (d) { return d.rate; }) }
      ]
    });
    window.addEventListener("resize", function () {
      chart.setOption({ xAxis: window.portalCategoryAxis(names, holder.clientWidth) });
      chart.resize();
    });
  });
})();
