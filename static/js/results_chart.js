// The results chart of a published assessment cycle (ECharts, vendored). Data comes from the
// page's json_script block: no inline script, as the Content-Security-Policy requires.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var holder = document.getElementById("results-chart");
    var source = document.getElementById("results-data");
    if (!holder || !source || !window.echarts) { return; }
    var rows = JSON.parse(source.textContent);
    var lang = document.documentElement.lang || "zh-hans";
    var zh = lang.indexOf("zh") === 0;
    var names = rows.map(function (r) { return r.branch.replace("项目党支部", ""); });
    var chart = window.echarts.init(holder, null, { renderer: "svg", locale: zh ? "ZH" : "EN" });
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 8, bottom: 8, top: 32, containLabel: true },
      xAxis: window.portalCategoryAxis(names, holder.clientWidth),
      yAxis: { type: "value", max: 110 },
      series: [
        { name: zh ? "党建" : "Party building", type: "bar", data: rows.map(function (r) { return r.party; }) },
        { name: zh ? "项目建设" : "Construction", type: "bar", data: rows.map(function (r) { return r.construction; }) },
        { name: zh ? "总分" : "Total", type: "line", data: rows.map(function (r) { return r.total; }) }
      ]
    });
    window.addEventListener("resize", function () {
      chart.setOption({ xAxis: window.portalCategoryAxis(names, holder.clientWidth) });
      chart.resize();
    });
  });
})();
