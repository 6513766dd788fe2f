/**
 * ECharts, tree-shaken to the charts the dashboard draws, and the world map they draw on (Natural Earth 1:110m from
 * world-atlas, bundled by Vite). Each chart marks its container data-rendered="1" when drawn (tests wait on it).
 */
import { BarChart, GraphChart, LineChart, MapChart, SankeyChart, ScatterChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { Feature, Geometry, Position } from 'geojson';
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
  const features = feature(topo, topo.objects.countries).features.filter((f) => f.id !== '010').map(cutAtAntimeridian);
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

/**
 * Natural Earth rings that cross the antimeridian (Russia's Chukotka, Fiji) jump from 180° to -180° and back; drawn on
 * a flat map those jumps are lines across the whole world. Such a ring is made continuous, then cut at ±180° into the
 * piece on each side (one half-plane clip each, Sutherland–Hodgman, exact for any simple ring).
 */
function cutAtAntimeridian<P>(f: Feature<Geometry, P>): Feature<Geometry, P> {
  const g = f.geometry;
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
  if (!polygons.some((rings) => rings.some(crosses))) return f;
  const out: Position[][][] = [];
  for (const rings of polygons) {
    if (!rings.some(crosses)) {
      out.push(rings);
      continue;
    }
    const flat = rings.map(unwrap);
    const east = Math.max(...flat.flat().map((p) => p[0] ?? 0)) > 180;
    // East of 180° (or west of -180°) moves a world over to the other edge.
    const here = flat.map((r) => clipLongitude(r, east ? 180 : -180, east));
    const there = flat.map((r) => clipLongitude(r.map(([x = 0, y = 0]) => [east ? x - 360 : x + 360, y]), east ? -180 : 180, !east));
    for (const piece of [here, there]) if ((piece[0]?.length ?? 0) >= 4) out.push(piece.filter((r) => r.length >= 4));
  }
  return { ...f, geometry: { type: 'MultiPolygon', coordinates: out } };
}

function crosses(ring: Position[]): boolean {
  let jumps = 0;
  for (let i = 1; i < ring.length; i++) if (Math.abs((ring[i]?.[0] ?? 0) - (ring[i - 1]?.[0] ?? 0)) > 180) jumps++;
  return jumps > 0 && jumps % 2 === 0; // an odd count circles a pole (Antarctica): not a ring to cut
}

/** The ring with each longitude moved by whole turns to within 180° of the one before. */
function unwrap(ring: Position[]): Position[] {
  let shift = 0;
  let prev: number | undefined;
  return ring.map(([x = 0, y = 0]) => {
    if (prev !== undefined) shift += x - prev > 180 ? -360 : prev - x > 180 ? 360 : 0;
    prev = x;
    return [x + shift, y];
  });
}

/** The part of a closed ring with longitude ≤ at (keepWest) or ≥ at, closed again. */
function clipLongitude(ring: Position[], at: number, keepWest: boolean): Position[] {
  const pts = ring.slice(0, -1);
  const inside = (p: Position) => (keepWest ? (p[0] ?? 0) <= at : (p[0] ?? 0) >= at);
  const out: Position[] = [];
  pts.forEach((a, i) => {
    const b = pts[(i + 1) % pts.length] as Position;
    if (inside(a)) out.push(a);
    if (inside(a) !== inside(b)) {
      const [ax = 0, ay = 0] = a;
      const [bx = 0, by = 0] = b;
      out.push([at, ay + ((at - ax) / (bx - ax)) * (by - ay)]);
    }
  });
  if (out.length) out.push(out[0] as Position);
  return out;
}
