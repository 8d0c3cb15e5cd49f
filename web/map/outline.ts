// Build-time extraction of the map's outlines (Node, run by Vite while building; see
// vite.config.ts): the countries of Natural Earth's 1:50m Admin 0 boundaries (the npm package
// world-atlas, countries-50m.json, decoded with topojson-client) clipped to the box around the
// Korean peninsula and north-east China, with coordinates rounded to 0.01° (about 1 km, under
// a pixel at the size the map is drawn). Only this small result is shipped with the app.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { feature } from 'topojson-client';

export type Point = [number, number]; // [lon, lat]

export interface Box {
  west: number;
  south: number;
  east: number;
  north: number;
}

export interface Outline {
  box: Box;
  source: string;
  countries: { id: string; name: string; polygons: Point[][][] }[];
}

/** Longitude 119-132 E, latitude 37-44.5 N: the DPRK, the ROK's north, Liaoning and Jilin. */
export const BOX: Box = { west: 119, south: 37, east: 132, north: 44.5 };

const PRECISION = 100; // 0.01°

interface Geometry {
  type: string;
  coordinates: unknown;
}

/** Sutherland-Hodgman: a ring clipped to the box. The result may run along the box's edge. */
export function clipRing(ring: Point[], box: Box): Point[] {
  const edges: [(p: Point) => boolean, (a: Point, b: Point) => Point][] = [
    [(p) => p[0] >= box.west, (a, b) => atLon(a, b, box.west)],
    [(p) => p[0] <= box.east, (a, b) => atLon(a, b, box.east)],
    [(p) => p[1] >= box.south, (a, b) => atLat(a, b, box.south)],
    [(p) => p[1] <= box.north, (a, b) => atLat(a, b, box.north)],
  ];
  let out = ring[0] && ring[0][0] === ring.at(-1)?.[0] && ring[0][1] === ring.at(-1)?.[1] ? ring.slice(0, -1) : ring.slice();
  for (const [inside, cross] of edges) {
    const input = out;
    out = [];
    for (let i = 0; i < input.length; i++) {
      const cur = input[i];
      const prev = input[(i + input.length - 1) % input.length];
      if (inside(cur)) {
        if (!inside(prev)) out.push(cross(prev, cur));
        out.push(cur);
      } else if (inside(prev)) {
        out.push(cross(prev, cur));
      }
    }
    if (out.length === 0) break;
  }
  return out;
}

function atLon(a: Point, b: Point, lon: number): Point {
  const t = (lon - a[0]) / (b[0] - a[0]);
  return [lon, a[1] + t * (b[1] - a[1])];
}

function atLat(a: Point, b: Point, lat: number): Point {
  const t = (lat - a[1]) / (b[1] - a[1]);
  return [a[0] + t * (b[0] - a[0]), lat];
}

/** Rounds to the precision and drops points that round onto the one before. */
export function roundRing(ring: Point[]): Point[] {
  const out: Point[] = [];
  for (const [lon, lat] of ring) {
    const p: Point = [Math.round(lon * PRECISION) / PRECISION, Math.round(lat * PRECISION) / PRECISION];
    const last = out.at(-1);
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  while (out.length > 1 && out[0][0] === out.at(-1)![0] && out[0][1] === out.at(-1)![1]) out.pop();
  return out;
}

function polygonsOf(g: Geometry): Point[][][] {
  if (g.type === 'Polygon') return [g.coordinates as Point[][]];
  if (g.type === 'MultiPolygon') return g.coordinates as Point[][][];
  return [];
}

/** The countries of a world-atlas topology that reach into the box, clipped to it. */
export function extractOutline(topology: { objects: { countries: { geometries: { id?: string; properties?: { name?: string } }[] } } }, box: Box = BOX): Outline {
  const countries: Outline['countries'] = [];
  for (const object of topology.objects.countries.geometries) {
    const f = feature(topology, object) as { geometry: Geometry | null };
    if (!f.geometry) continue;
    const polygons: Point[][][] = [];
    for (const polygon of polygonsOf(f.geometry)) {
      const rings = polygon.map((ring) => roundRing(clipRing(ring, box))).filter((ring) => ring.length >= 3);
      // A polygon whose outer ring lies outside the box is gone, holes and all.
      if (rings.length > 0 && polygon[0] && roundRing(clipRing(polygon[0], box)).length >= 3) polygons.push(rings);
    }
    if (polygons.length > 0) countries.push({ id: String(object.id ?? ''), name: object.properties?.name ?? '', polygons });
  }
  return { box, source: 'Natural Earth 1:50m Admin 0 (world-atlas 2.0.2, countries-50m.json)', countries };
}

/** Reads countries-50m.json from the installed world-atlas package and extracts the box. */
export function loadOutline(box: Box = BOX): Outline {
  const require = createRequire(import.meta.url);
  const file = require.resolve('world-atlas/countries-50m.json');
  return extractOutline(JSON.parse(readFileSync(file, 'utf8')), box);
}
