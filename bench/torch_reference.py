#!/usr/bin/python3
"""PyTorch reference of the dimer Boltzmann generator for `npm run bench` (bench/run.ts).

The same model as src/core: 8 affine coupling (RealNVP) blocks alternating even/odd channels,
S and T nets 38-200-200-200-38 tanh with the scale bounded as 2*tanh(S/2), the dimer energy of
SCIENCE.md, ML and multi-temperature KL losses with the lin-log cut, Adam. Weights and data come
from files the Node side writes, so both engines compute the same numbers (`check` compares them).

Protocol: one JSON request per line on stdin, one JSON reply per line on stdout.
  {"cmd": "init", "dir": ..., "threads": 1, "batch": 1000, "temperatures": [...], ...}
  {"cmd": "check", "z": [[...]], "x": [[...]]}          -> forward/inverse/energy/forces of small batches
  {"cmd": "ml_step"} | {"cmd": "kl_step"}               -> {"ms": ..., "peakRssKb": ...}
  {"cmd": "sample", "n": 100000, "chunk": 2000}         -> z, x, u and log weights at tau = 1
  {"cmd": "energy_forces", "n": 100000, "chunk": 10000} -> u and -grad u by autograd
  {"cmd": "gemm", "m": 1000, "k": 200, "n": 200, "reps": 20} -> median ms of one matrix product
Run with Debian's /usr/bin/python3 and python3-torch (apt-get install -y python3-torch).
"""
import json
import math
import os
import sys
import time

import numpy as np
import torch

S_MAX = 2.0  # as src/core/flows/blocks.ts
DIM = 76
PARTICLES = 38


def peak_rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


def reset_peak_rss():
    # Linux: writing 5 resets VmHWM to the current RSS, so each phase reports its own peak.
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


class MLP(torch.nn.Module):
    def __init__(self, sizes):
        super().__init__()
        self.layers = torch.nn.ModuleList(torch.nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i + 1 < len(self.layers):
                x = torch.tanh(x)
        return x


class AffineCoupling(torch.nn.Module):
    """parity 0: even channels condition, odd channels are transformed (ChannelSplit in blocks.ts)."""

    def __init__(self, parity, hidden):
        super().__init__()
        self.parity = parity
        half = DIM // 2
        self.S = MLP([half, *hidden, half])
        self.T = MLP([half, *hidden, half])

    def split(self, x):
        return (x[:, 0::2], x[:, 1::2]) if self.parity == 0 else (x[:, 1::2], x[:, 0::2])

    def merge(self, x1, x2):
        pair = (x1, x2) if self.parity == 0 else (x2, x1)
        return torch.stack(pair, dim=2).reshape(x1.shape[0], DIM)

    def scale_shift(self, x1):
        return S_MAX * torch.tanh(self.S(x1) / S_MAX), self.T(x1)

    def forward(self, x):
        x1, x2 = self.split(x)
        s, t = self.scale_shift(x1)
        return self.merge(x1, x2 * torch.exp(s) + t), s.sum(1)

    def inverse(self, y):
        y1, y2 = self.split(y)
        s, t = self.scale_shift(y1)
        return self.merge(y1, (y2 - t) * torch.exp(-s)), -s.sum(1)


class Flow(torch.nn.Module):
    def __init__(self, blocks, hidden):
        super().__init__()
        self.blocks = torch.nn.ModuleList(AffineCoupling(i % 2, hidden) for i in range(blocks))

    def forward(self, z):
        logdet = torch.zeros(z.shape[0], dtype=z.dtype)
        for b in self.blocks:
            z, ld = b(z)
            logdet = logdet + ld
        return z, logdet

    def inverse(self, x):
        logdet = torch.zeros(x.shape[0], dtype=x.dtype)
        for b in reversed(self.blocks):
            x, ld = b.inverse(x)
            logdet = logdet + ld
        return x, logdet

    def load_named(self, named):
        """Weights named as src/core (b{i}R.{S|T}.{w|b}{l}); ours are x·W, torch's Linear is W·x."""
        with torch.no_grad():
            for i, block in enumerate(self.blocks):
                for net_name in ("S", "T"):
                    net = getattr(block, net_name)
                    for l, layer in enumerate(net.layers):
                        layer.weight.copy_(torch.from_numpy(named[f"b{i}R.{net_name}.w{l}"]).T)
                        layer.bias.copy_(torch.from_numpy(named[f"b{i}R.{net_name}.b{l}"]))


class DimerEnergy:
    """u(x) of SCIENCE.md over the 703 repelling pairs (all i<j but the dimer bond)."""

    def __init__(self, p):
        self.p = p
        i, j = torch.triu_indices(PARTICLES, PARTICLES, offset=1)
        keep = ~((i == 0) & (j == 1))
        self.i, self.j = i[keep], j[keep]

    def __call__(self, x):
        p = self.p
        x0, y0, x1, y1 = x[:, 0], x[:, 1], x[:, 2], x[:, 3]
        e = p["kd"] * (x0 + x1) ** 2 + p["kd"] * y0**2 + p["kd"] * y1**2
        d = torch.sqrt((x0 - x1) ** 2 + (y0 - y1) ** 2)
        d0 = 2 * (d - p["dmid"])
        e = e + p["slope"] * d0 - p["a"] * d0**2 + p["b"] * d0**4
        L = p["L"]
        e = e + 2 * p["kbox"] * (torch.relu(x - L) ** 2 + torch.relu(-x - L) ** 2).sum(1)
        px, py = x[:, 0::2], x[:, 1::2]
        rx = px[:, self.i] - px[:, self.j]
        ry = py[:, self.i] - py[:, self.j]
        s2 = p["rm"] ** 2 / (rx * rx + ry * ry)
        s6 = s2 * s2 * s2
        return e + p["eps"] * (s6 * s6).sum(1)


def lin_log_cut(u, high, cap):
    """As src/core linLogCut (and the paper's linlogcut): cap at max_energy first, then log above high."""
    x = torch.clamp(u, max=cap)
    # The clamp keeps log1p's argument finite on the branch torch.where discards (no NaN grads).
    return torch.where(x < high, x, high + torch.log1p(torch.clamp(x - high, min=0)))


class Reference:
    def __init__(self, req):
        torch.set_num_threads(int(req["threads"]))
        try:
            torch.set_num_interop_threads(int(req["threads"]))
        except RuntimeError:
            pass  # may only be set once, before any parallel work
        torch.manual_seed(int(req.get("seed", 1)))
        d = req["dir"]
        with open(os.path.join(d, "weights.json")) as f:
            header = json.load(f)
        raw = np.fromfile(os.path.join(d, "weights.bin"), dtype="<f4")
        named, offset = {}, 0
        for v in header["variables"]:
            size = int(np.prod(v["shape"]))
            named[v["name"]] = raw[offset : offset + size].reshape(v["shape"])
            offset += size
        self.flow = Flow(header["blocks"], header["hidden"])
        self.flow.load_named(named)
        self.data = torch.from_numpy(np.fromfile(os.path.join(d, "data.bin"), dtype="<f4").reshape(-1, DIM))
        self.energy = DimerEnergy(req["params"])
        self.batch = int(req["batch"])
        self.temps = torch.tensor(req["temperatures"], dtype=torch.float32)
        self.high = float(req["highEnergy"])
        self.cap = float(req["maxEnergy"])
        self.opt = torch.optim.Adam(self.flow.parameters(), lr=float(req["learningRate"]))

    def _step(self, loss):
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        # Our trainer computes the gradient norm every step (metrics, clipping); so does this.
        torch.nn.utils.clip_grad_norm_(self.flow.parameters(), max_norm=1e30)
        self.opt.step()
        return float(loss)

    def ml_step(self):
        idx = torch.randint(0, self.data.shape[0], (self.batch,))
        z, logdet = self.flow.inverse(self.data[idx])
        return self._step((0.5 * (z * z).sum(1) - logdet).mean())

    def kl_step(self):
        tau = self.temps[torch.arange(self.batch) % self.temps.shape[0]]
        z = torch.randn(self.batch, DIM) * tau.sqrt()[:, None]
        x, logdet = self.flow(z)
        # float64 energies: (r_m/r)^12 overflows float32 for close pairs of early samples, and an
        # inf there turns the gradient into NaN; ours is float64 too.
        u = lin_log_cut(self.energy(x.double()), self.high, self.cap).float()
        return self._step((u / tau - logdet).mean())

    @torch.no_grad()
    def sample(self, n, chunk, temperature=1.0):
        z_all = torch.empty(n, DIM)
        x_all = torch.empty(n, DIM)
        u_all = torch.empty(n, dtype=torch.float64)
        logw = torch.empty(n, dtype=torch.float64)
        sigma = math.sqrt(temperature)
        for start in range(0, n, chunk):
            m = min(chunk, n - start)
            z = torch.randn(m, DIM) * sigma
            x, logdet = self.flow(z)
            u = self.energy(x).double()
            z_all[start : start + m] = z
            x_all[start : start + m] = x
            u_all[start : start + m] = u
            lw = -u / temperature + (z.double() ** 2).sum(1) / (2 * temperature) + logdet.double()
            logw[start : start + m] = torch.nan_to_num(lw, nan=-math.inf)
        return logw

    def energy_forces(self, n, chunk):
        u_all = torch.empty(n, dtype=torch.float64)
        f_all = torch.empty(n, DIM)
        for start in range(0, n, chunk):
            m = min(chunk, n - start)
            x = self.data[start : start + m].clone().requires_grad_(True)
            u = self.energy(x)
            (g,) = torch.autograd.grad(u.sum(), x)
            u_all[start : start + m] = u.detach().double()
            f_all[start : start + m] = -g
        return u_all, f_all

    @torch.no_grad()
    def _fwd(self, z):
        return self.flow(z)

    def check(self, req):
        """Our engine's outputs for the same small batches, for the Node side to compare."""
        z = torch.tensor(req["z"], dtype=torch.float32)
        xs = torch.tensor(req["x"], dtype=torch.float32)
        with torch.no_grad():
            x, ld_f = self.flow(z)
            zi, ld_i = self.flow.inverse(xs)
        x64 = xs.double().requires_grad_(True)
        u = self.energy(x64)
        (g,) = torch.autograd.grad(u.sum(), x64)
        return {
            "forward": {"x": x.tolist(), "logDetJ": ld_f.tolist()},
            "inverse": {"z": zi.tolist(), "logDetJ": ld_i.tolist()},
            "energy": u.tolist(),
            "forces": (-g).tolist(),
        }


def gemm_ms(m, k, n, reps):
    """Median milliseconds of one [m,k]x[k,n] float32 product: the kernel both engines lean on."""
    a, b = torch.randn(m, k), torch.randn(k, n)
    a @ b
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        a @ b
        times.append((time.perf_counter() - t) * 1000)
    return sorted(times)[len(times) // 2]


def timed(fn):
    reset_peak_rss()
    t = time.perf_counter()
    out = fn()
    return {"ms": (time.perf_counter() - t) * 1000, "peakRssKb": peak_rss_kb()}, out


def main():
    ref = None
    out = sys.stdout
    for line in sys.stdin:
        req = json.loads(line)
        cmd = req["cmd"]
        try:
            if cmd == "init":
                ref = Reference(req)
                reply = {"torch": torch.__version__, "threads": torch.get_num_threads(), "rssKb": peak_rss_kb()}
            elif cmd == "check":
                reply = ref.check(req)
            elif cmd == "ml_step":
                reply, loss = timed(ref.ml_step)
                reply["loss"] = loss
            elif cmd == "kl_step":
                reply, loss = timed(ref.kl_step)
                reply["loss"] = loss
            elif cmd == "sample":
                reply, logw = timed(lambda: ref.sample(int(req["n"]), int(req["chunk"])))
                reply["finite"] = int(torch.isfinite(logw).sum())
            elif cmd == "energy_forces":
                reply, (u, _) = timed(lambda: ref.energy_forces(int(req["n"]), int(req["chunk"])))
                reply["meanEnergy"] = float(u.mean())
            elif cmd == "gemm":
                reply = {"ms": gemm_ms(int(req["m"]), int(req["k"]), int(req["n"]), int(req["reps"]))}
            elif cmd == "quit":
                break
            else:
                reply = {"error": f"unknown command {cmd}"}
        except Exception as e:  # reported to the Node side, which stops the bench
            reply = {"error": f"{type(e).__name__}: {e}"}
        out.write(json.dumps(reply) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
