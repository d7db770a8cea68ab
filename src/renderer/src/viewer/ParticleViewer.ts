/**
 * Three.js viewer for generated configurations: every particle of every shown configuration is
 * one instance of an InstancedMesh, so 1000 dimer configurations (38 000 spheres) take a handful of
 * draw calls. Highlighted particles (the dimer) get their own mesh: larger and never faded.
 * 2D systems (one point per configuration) use the same path with a frame instead of a box.
 * Renders on demand (data change, orbit), not in a loop, to keep laptops and CI cool.
 */
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';

export interface ViewerScene {
  /** Particle positions (x, y), flat. */
  xy: Float32Array;
  /** Per particle: is it highlighted (dimer)? */
  highlighted: Uint8Array;
  /** Per particle RGB in [0, 1], or null for the neutral palette. */
  colors: Float32Array | null;
  radius: number;
  box: { min: [number, number]; max: [number, number] };
  /** Opacity of non-highlighted particles (overlays of many configurations). */
  opacity: number;
  /** A 2D system: draw a frame and small points instead of a particle box. */
  points2d: boolean;
}

export interface ViewerStats {
  calls: number;
  triangles: number;
  instances: number;
}

const SMOOTH_UP_TO = 200;
const COARSE_ABOVE = 4000;
const NEUTRAL = new THREE.Color(0x7d8ea8);
const HIGHLIGHT = new THREE.Color(0xff7f0e);

export class ParticleViewer {
  readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private readonly camera = new THREE.PerspectiveCamera(40, 1, 0.01, 1000);
  private readonly controls: OrbitControls;
  // Smooth spheres for one configuration, 80-triangle ones for small overlays, 20-triangle ones for
  // big overlays: 38 000 spheres stay under a million triangles, which software GL still draws.
  private readonly smooth = new THREE.SphereGeometry(1, 24, 16);
  private readonly fine = new THREE.IcosahedronGeometry(1, 1);
  private readonly coarse = new THREE.IcosahedronGeometry(1, 0);
  private geometry: THREE.BufferGeometry = this.smooth;
  private readonly baseMaterial = new THREE.MeshLambertMaterial({ color: 0xffffff });
  private readonly highlightMaterial = new THREE.MeshLambertMaterial({ color: 0xffffff });
  private base: THREE.InstancedMesh | null = null;
  private highlight: THREE.InstancedMesh | null = null;
  private outline: THREE.LineSegments | null = null;
  private lastBoxKey = '';
  stats: ViewerStats = { calls: 0, triangles: 0, instances: 0 };
  onRender: ((stats: ViewerStats) => void) | null = null;

  constructor(private readonly canvas: HTMLCanvasElement) {
    // preserveDrawingBuffer: PNG export and pixel checks read the canvas after the frame.
    this.renderer = new THREE.WebGLRenderer({
      canvas,
      antialias: true,
      alpha: true,
      preserveDrawingBuffer: true,
    });
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
    this.scene.add(new THREE.AmbientLight(0xffffff, 1.6));
    const sun = new THREE.DirectionalLight(0xffffff, 1.8);
    sun.position.set(2, 3, 6);
    this.scene.add(sun);
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.addEventListener('change', () => this.render());
  }

  resize(width: number, height: number): void {
    this.renderer.setSize(width, height, false);
    this.camera.aspect = width / Math.max(1, height);
    this.camera.updateProjectionMatrix();
    this.render();
  }

  setScene(s: ViewerScene): void {
    const n = s.xy.length / 2;
    let nh = 0;
    for (let i = 0; i < n; i++) nh += s.highlighted[i];
    this.geometry = n > COARSE_ABOVE ? this.coarse : n > SMOOTH_UP_TO ? this.fine : this.smooth;
    this.base = this.ensureMesh(this.base, n - nh, this.baseMaterial);
    this.highlight = this.ensureMesh(this.highlight, nh, this.highlightMaterial);

    const m = new THREE.Matrix4();
    const c = new THREE.Color();
    const r = s.points2d ? s.radius : s.radius;
    let ib = 0;
    let ih = 0;
    for (let i = 0; i < n; i++) {
      const hl = s.highlighted[i] === 1;
      const scale = hl && !s.points2d ? r * 1.15 : r;
      m.makeScale(scale, scale, scale).setPosition(s.xy[2 * i], s.xy[2 * i + 1], hl ? 0.01 : 0);
      if (s.colors) c.setRGB(s.colors[3 * i], s.colors[3 * i + 1], s.colors[3 * i + 2], THREE.SRGBColorSpace);
      else c.copy(hl ? HIGHLIGHT : NEUTRAL);
      const mesh = hl ? this.highlight! : this.base!;
      const k = hl ? ih++ : ib++;
      mesh.setMatrixAt(k, m);
      mesh.setColorAt(k, c);
    }
    for (const mesh of [this.base, this.highlight]) {
      mesh.instanceMatrix.needsUpdate = true;
      if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
      mesh.computeBoundingSphere();
    }
    this.baseMaterial.transparent = s.opacity < 1;
    this.baseMaterial.opacity = s.opacity;
    this.baseMaterial.depthWrite = s.opacity >= 1;
    this.baseMaterial.needsUpdate = true;
    this.highlightMaterial.transparent = s.opacity < 0.3;
    this.highlightMaterial.opacity = Math.min(1, s.opacity * 3);
    this.highlightMaterial.needsUpdate = true;

    this.setOutline(s.box, s.points2d);
    this.render();
  }

  /** Reuse an instanced mesh while it has room; grow it (by replacing it) when it does not. */
  private ensureMesh(
    mesh: THREE.InstancedMesh | null,
    count: number,
    material: THREE.Material,
  ): THREE.InstancedMesh {
    if (mesh && mesh.instanceMatrix.count >= count) {
      mesh.count = count;
      mesh.geometry = this.geometry;
      return mesh;
    }
    if (mesh) {
      this.scene.remove(mesh);
      mesh.dispose();
    }
    const next = new THREE.InstancedMesh(this.geometry, material, Math.max(1, count));
    next.count = count;
    next.setColorAt(0, NEUTRAL); // allocates instanceColor
    next.frustumCulled = false;
    this.scene.add(next);
    return next;
  }

  private setOutline(box: ViewerScene['box'], frame: boolean): void {
    const key = `${box.min.join(',')}:${box.max.join(',')}:${frame}`;
    if (key === this.lastBoxKey) return;
    this.lastBoxKey = key;
    if (this.outline) {
      this.scene.remove(this.outline);
      this.outline.geometry.dispose();
    }
    const [x0, y0] = box.min;
    const [x1, y1] = box.max;
    const pts = [x0, y0, 0, x1, y0, 0, x1, y0, 0, x1, y1, 0, x1, y1, 0, x0, y1, 0, x0, y1, 0, x0, y0, 0];
    if (frame) pts.push(x0, 0, 0, x1, 0, 0, 0, y0, 0, 0, y1, 0); // axes through the origin
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.Float32BufferAttribute(pts, 3));
    this.outline = new THREE.LineSegments(g, new THREE.LineBasicMaterial({ color: 0x8a93a3 }));
    this.scene.add(this.outline);
    this.fit(box);
  }

  /** Look straight down on the box, far enough to see all of it. */
  fit(box: ViewerScene['box']): void {
    const cx = (box.min[0] + box.max[0]) / 2;
    const cy = (box.min[1] + box.max[1]) / 2;
    const size = Math.max(box.max[0] - box.min[0], box.max[1] - box.min[1]);
    const dist = (size * 0.62) / Math.tan(THREE.MathUtils.degToRad(this.camera.fov / 2));
    this.camera.position.set(cx, cy, dist);
    this.camera.near = dist / 100;
    this.camera.far = dist * 10;
    this.camera.updateProjectionMatrix();
    this.controls.target.set(cx, cy, 0);
    this.controls.update();
  }

  render(): void {
    this.renderer.render(this.scene, this.camera);
    const info = this.renderer.info.render;
    this.stats = {
      calls: info.calls,
      triangles: info.triangles,
      instances: (this.base?.count ?? 0) + (this.highlight?.count ?? 0),
    };
    this.canvas.dataset.drawCalls = String(info.calls);
    this.canvas.dataset.instances = String(this.stats.instances);
    this.onRender?.(this.stats);
  }

  toPNG(): string {
    this.render();
    return this.canvas.toDataURL('image/png');
  }

  dispose(): void {
    this.controls.dispose();
    this.base?.dispose();
    this.highlight?.dispose();
    this.smooth.dispose();
    this.fine.dispose();
    this.coarse.dispose();
    this.baseMaterial.dispose();
    this.highlightMaterial.dispose();
    this.renderer.dispose();
  }
}
