/** ECharts, tree-shaken to the charts the dashboard draws. Each chart marks its container data-rendered="1" when drawn (tests wait on it). */
import { BarChart, GraphChart, LineChart, SankeyChart, ScatterChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, GraphChart, LineChart, SankeyChart, ScatterChart, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent, VisualMapComponent, DataZoomComponent, CanvasRenderer]);

export type ChartOption = echarts.EChartsCoreOption;
export type Chart = echarts.ECharts;

const live = new Set<Chart>();
window.addEventListener('resize', () => live.forEach((c) => c.resize()));

/** Draw an option into el (re-using its chart); `finished` is registered before setOption so headless runs see it. */
export function drawChart(el: HTMLElement, option: ChartOption, onClick?: (params: { data?: unknown; name?: string; dataType?: string }) => void): Chart {
  let chart = echarts.getInstanceByDom(el);
  if (!chart) {
    chart = echarts.init(el, undefined, { renderer: 'canvas' });
    live.add(chart);
  }
  el.dataset['rendered'] = '0';
  const c = chart;
  c.off('finished');
  c.on('finished', () => {
    el.dataset['rendered'] = '1';
  });
  c.off('click');
  if (onClick) c.on('click', (p) => onClick(p as { data?: unknown; name?: string; dataType?: string }));
  c.setOption(option, { notMerge: true });
  el.dataset['fingerprint'] = fingerprint(JSON.stringify((option as { series?: unknown }).series ?? null));
  return c;
}

export function disposeCharts(root: HTMLElement): void {
  for (const el of Array.from(root.querySelectorAll<HTMLElement>('.chart'))) {
    const c = echarts.getInstanceByDom(el);
    if (c) {
      live.delete(c);
      c.dispose();
    }
  }
}

/** A short hash of the drawn data, so a test can tell that a filter change redrew the chart with other data. */
function fingerprint(s: string): string {
  let x = 5381;
  for (let i = 0; i < s.length; i++) x = ((x * 33) ^ s.charCodeAt(i)) >>> 0;
  return x.toString(36);
}
