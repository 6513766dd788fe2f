/**
 * ECharts, tree-shaken to the charts the dashboard draws, and the world map they draw on (Natural Earth 1:110m from
 * world-atlas, bundled by Vite). Each chart marks its container data-rendered="1" when drawn (tests wait on it).
 */
import { BarChart, GraphChart, LineChart, MapChart, SankeyChart, ScatterChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import world from 'world-atlas/countries-110m.json' with { type: 'json' };
import { ISO_NUMERIC_TO_ALPHA2 } from './iso-numeric.ts';

echarts.use([BarChart, GraphChart, LineChart, MapChart, SankeyChart, ScatterChart, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent, VisualMapComponent, DataZoomComponent, CanvasRenderer]);

export type ChartOption = echarts.EChartsCoreOption;
export type Chart = echarts.ECharts;

declare global {
  interface Window {
    /** The chart drawn in an element, for the console and the browser tests (which read what ECharts built). */
    atlasChart?: (el: Element | null) => Chart | undefined;
  }
}
window.atlasChart = (el) => (el instanceof HTMLElement ? echarts.getInstanceByDom(el) : undefined);

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

/** A registered world map: the ECharts map name and, per ISO alpha-2 code, the names of the regions drawn for it. */
export interface WorldMap {
  map: string;
  regionsOf: ReadonlyMap<string, readonly string[]>;
  regions: number;
}

/**
 * Natural Earth shapes without an ISO numeric id, by name: Kosovo has the user-assigned XK the atlas accepts; ISO 3166
 * counts Northern Cyprus and Somaliland as parts of CY and SO, which is also how sources record their institutions.
 */
const UNNUMBERED: Record<string, string> = { Kosovo: 'XK', 'N. Cyprus': 'CY', Somaliland: 'SO' };

let worldMap: WorldMap | undefined;

/** Register the world map with ECharts once (Antarctica left out: nobody's workplace, and a third of the height). */
export function registerWorldMap(): WorldMap {
  if (worldMap) return worldMap;
  const topo = world as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const features = feature(topo, topo.objects.countries).features.filter((f) => f.id !== '010');
  const regionsOf = new Map<string, string[]>();
  for (const f of features) {
    const code = (f.id === undefined ? undefined : ISO_NUMERIC_TO_ALPHA2[String(f.id)]) ?? UNNUMBERED[f.properties.name];
    if (code) regionsOf.set(code, [...(regionsOf.get(code) ?? []), f.properties.name]);
  }
  const map = 'world';
  echarts.registerMap(map, { type: 'FeatureCollection', features } as unknown as Parameters<typeof echarts.registerMap>[1]);
  worldMap = { map, regionsOf, regions: features.length };
  return worldMap;
}
