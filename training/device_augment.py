"""Device-robust augmentation: what another clinic's X-ray machine, detector, console and film
change about a lateral cephalogram, in families that can be switched off one at a time (the
ablation in training/README.md).

It draws the model input (H x W) from a letterbox at twice the input's size, so a zoom into the
skull (another machine's field of view: hamedan-dev's skulls fill ~1.2-1.4 times more of the frame
than ISBI's) stays as sharp as a real one would be, instead of magnifying the input's own pixels.

Families:
- geometry: rotation +-15 deg, zoom 0.8-1.45 (log-uniform), aspect +-6 %, shift;
- field: another field of view or film format (sides cut off) and collimation edges (bright or
  dark bands, soft or hard, along any side, and the horizontal shield band some machines show);
- tone: gamma, contrast, brightness, a random monotone tone curve (histogram shape), at times local
  histogram equalisation (consoles' "dynamic range" processing);
- sharpness: blur, unsharp masking at several radii (edge enhancement), a coarser detector
  (resolution 0.08-0.2 mm/px: down and back up);
- noise: quantum-like (signal dependent) and electronic noise, JPEG re-compression;
- overlays: burnt-in text, rulers with ticks, ear-rod rings, labels;
- soft_tissue: the soft-tissue filter in front of the face, stronger or weaker than ISBI's (the
  profile brighter or darker than the bone behind it).

Orientation policy as augment.py: no mirrors (the app straightens a film before tracing).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

FAMILIES = ("geometry", "field", "tone", "sharpness", "noise", "overlays", "soft_tissue")
# landmarks on the soft-tissue profile (0-based, ISBI order): upper lip, lower lip, subnasale,
# soft-tissue pogonion
SOFT_PROFILE = (12, 13, 14, 15)


@dataclass
class DeviceAugmentConfig:
    families: tuple = FAMILIES
    # used when "geometry" is off: the plain augmentation's small changes (augment.py)
    plain_rotate_deg: float = 8.0
    plain_scale: float = 0.08
    plain_translate: float = 0.04
    families_p: dict = field(default_factory=dict)  # family -> probability it applies (default 1 / as below)


def _geometry(cfg_on: bool, rng, in_hw, out_hw, pts, cfg: DeviceAugmentConfig):
    """Affine from the 2x letterbox to the input, and the downscale it implies."""
    (H, W), (h, w) = in_hw, out_hw
    base = h / H
    if cfg_on:
        ang = rng.uniform(-15, 15)
        zoom = math.exp(rng.uniform(math.log(0.8), math.log(1.45)))
        aspect = math.exp(rng.uniform(-0.06, 0.06))
        shift = rng.uniform(-0.08, 0.08, 2)
    else:
        ang = rng.uniform(-cfg.plain_rotate_deg, cfg.plain_rotate_deg)
        zoom = 1 + rng.uniform(-cfg.plain_scale, cfg.plain_scale)
        aspect = 1.0
        shift = rng.uniform(-cfg.plain_translate, cfg.plain_translate, 2)
    # zoom about the skull's centre (the landmarks' centroid), so zooming in keeps the face in frame
    c = pts.mean(0) if cfg_on else np.array([(W - 1) / 2, (H - 1) / 2])
    a = math.radians(ang)
    sx, sy = base * zoom * aspect, base * zoom / aspect
    r = np.array([[math.cos(a), math.sin(a)], [-math.sin(a), math.cos(a)]])
    lin = r @ np.diag([sx, sy])
    target = np.array([(w - 1) / 2, (h - 1) / 2]) + shift * (w, h)
    if cfg_on:  # the skull's centre lands near the centre of the frame, as on ISBI
        target = target + (c * base - np.array([(w - 1) / 2, (h - 1) / 2])) * rng.uniform(0.3, 1.0)
    m = np.zeros((2, 3))
    m[:, :2] = lin
    m[:, 2] = target - lin @ c
    return m, 1.0 / (base * zoom)


def _warp(img, m, out_hw, down: float, fill: float):
    h, w = out_hw
    if down > 1.0:  # anti-alias: the warp itself samples bilinearly
        img = cv2.GaussianBlur(img, (0, 0), 0.45 * math.sqrt(down * down - 1))
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=fill)


def _field(x, rng):
    h, w = x.shape
    if rng.random() < 0.5:  # another field of view: one or two sides cut to black or to the pad
        for _ in range(rng.integers(1, 3)):
            side, frac = rng.integers(4), rng.uniform(0.02, 0.2)
            _band(x, side, frac, 0.0, soft=0)
    if rng.random() < 0.5:  # collimation edges
        side, frac = rng.integers(4), rng.uniform(0.02, 0.15)
        _band(x, side, frac, float(rng.choice([0.0, rng.uniform(150, 255)])), soft=int(rng.integers(0, 12)))
    if rng.random() < 0.2:  # a shield band across the top of the skull, brighter than the rest
        y0 = int(h * rng.uniform(0.0, 0.15))
        y1 = y0 + int(h * rng.uniform(0.03, 0.12))
        x[y0:y1] = np.clip(x[y0:y1] * rng.uniform(1.2, 2.0) + rng.uniform(20, 80), 0, 255)
    return x


def _band(x, side, frac, val, soft):
    h, w = x.shape
    n = max(1, int((h if side < 2 else w) * frac))
    ramp = np.ones(n + soft, np.float32)
    if soft:
        ramp[n:] = np.linspace(1, 0, soft + 2)[1:-1]
    if side == 0:
        sl = x[: n + soft]
        a = ramp[: sl.shape[0], None]
    elif side == 1:
        sl = x[h - n - soft:][::-1]
        a = ramp[: sl.shape[0], None]
    elif side == 2:
        sl = x[:, : n + soft]
        a = ramp[None, : sl.shape[1]]
    else:
        sl = x[:, w - n - soft:][:, ::-1]
        a = ramp[None, : sl.shape[1]]
    sl[...] = sl * (1 - a) + val * a


def _tone(x, rng):
    v = np.clip(x / 255.0, 0, 1)
    if rng.random() < 0.5:  # histogram shape: a random monotone curve through 0 and 1
        knots = np.concatenate([[0], np.cumsum(rng.uniform(0.3, 1.7, 6))])
        knots /= knots[-1]
        v = np.interp(v, np.linspace(0, 1, 7), knots)
    v = v ** math.exp(rng.uniform(-0.6, 0.6))
    v = (v - 0.5) * (1 + rng.uniform(-0.4, 0.4)) + 0.5 + rng.uniform(-0.15, 0.15)
    v = np.clip(v, 0, 1)
    if rng.random() < 0.2:  # consoles' local contrast processing
        clahe = cv2.createCLAHE(clipLimit=float(rng.uniform(1.5, 4.0)), tileGridSize=(int(rng.integers(4, 12)),) * 2)
        eq = clahe.apply((v * 255).astype(np.uint8)).astype(np.float32) / 255.0
        t = rng.uniform(0.3, 1.0)
        v = (1 - t) * v + t * eq
    return v.astype(np.float32) * 255.0


def _sharpness(x, rng, px_mm: float):
    r = rng.random()
    if r < 0.25:
        x = cv2.GaussianBlur(x, (0, 0), rng.uniform(0.4, 1.5))
    elif r < 0.65:  # edge enhancement, as most consoles apply (radius in mm, not pixels)
        sigma = rng.uniform(0.8, 6.0) / px_mm
        x = x + rng.uniform(0.3, 2.0) * (x - cv2.GaussianBlur(x, (0, 0), sigma))
    if rng.random() < 0.3:  # a coarser detector
        h, w = x.shape
        f = rng.uniform(0.5, 0.9)
        x = cv2.resize(cv2.resize(x, (int(w * f), int(h * f)), interpolation=cv2.INTER_AREA), (w, h), interpolation=cv2.INTER_LINEAR)
    return np.clip(x, 0, 255)


def _noise(x, rng):
    if rng.random() < 0.6:
        quantum = rng.uniform(0, 1.0) * np.sqrt(np.clip(x, 0, 255)) * rng.normal(0, 1, x.shape)
        x = x + quantum + rng.normal(0, rng.uniform(1, 8), x.shape)
    if rng.random() < 0.3:
        ok, buf = cv2.imencode(".jpg", np.clip(x, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(25, 90))])
        x = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE).astype(np.float32)
    return np.clip(x, 0, 255)


def _overlays(x, rng):
    h, w = x.shape
    if rng.random() < 0.5:  # burnt-in text
        for _ in range(rng.integers(1, 5)):
            text = "".join(rng.choice(list("ABCDEFGHKLMNRSTXYZ0123456789 :/.-")) for _ in range(rng.integers(3, 16)))
            cv2.putText(x, text, (int(rng.integers(0, w)), int(rng.integers(8, h))), cv2.FONT_HERSHEY_SIMPLEX,
                        rng.uniform(0.25, 0.7), float(rng.choice([0, 255])), 1)
    if rng.random() < 0.35:  # a ruler: a bar with ticks, vertical or slanted as on the nasion rod
        x0, y0 = int(rng.integers(0, w)), int(rng.integers(0, h))
        length, a = int(rng.integers(h // 8, h // 3)), math.radians(rng.uniform(-100, -80) if rng.random() < 0.7 else rng.uniform(-60, 60))
        d = np.array([math.cos(a), math.sin(a)])
        n = np.array([-d[1], d[0]])
        val = float(rng.uniform(180, 255))
        p0 = np.array([x0, y0], float)
        cv2.line(x, tuple(p0.astype(int)), tuple((p0 + d * length).astype(int)), val, int(rng.integers(1, 4)))
        for t in range(0, length, int(rng.integers(3, 7))):
            q = p0 + d * t
            cv2.line(x, tuple(q.astype(int)), tuple((q + n * rng.choice([3, 5])).astype(int)), val, 1)
    if rng.random() < 0.3:  # ear-rod rings
        c = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        r = int(rng.integers(4, 14))
        cv2.circle(x, c, r, float(rng.uniform(180, 255)), int(rng.integers(1, 3)))
    if rng.random() < 0.15:  # a label or marker block
        bw, bh = int(rng.integers(10, w // 4)), int(rng.integers(6, h // 10))
        x0, y0 = int(rng.integers(0, w - bw)), int(rng.integers(0, h - bh))
        x[y0:y0 + bh, x0:x0 + bw] = float(rng.choice([0.0, 255.0]))
    return x


def _soft_tissue(x, rng, pts):
    """The filter before the face: intensities in front of a soft boundary near the profile change."""
    h, w = x.shape
    front = pts[list(SOFT_PROFILE), 0].min()
    edge = front - rng.uniform(0.02, 0.12) * w
    width = rng.uniform(0.01, 0.06) * w
    xs = np.arange(w, dtype=np.float32)
    a = 1.0 / (1.0 + np.exp(np.clip(-(xs - edge) / max(1.0, width / 4), -50, 50)))
    gain = rng.uniform(0.4, 1.6)
    offset = rng.uniform(-30, 30)
    return np.clip(x * (1 + (gain - 1) * a[None]) + offset * a[None], 0, 255)


def device_augment(img2x: np.ndarray, pts2x: np.ndarray, out_hw: tuple, rng: np.random.Generator,
                   cfg: DeviceAugmentConfig, px_mm_2x: float):
    """img2x (2H, 2W) float32 0..255, pts2x (K, 2) in its pixels -> input (H, W) float32, pts (K, 2).
    px_mm_2x: millimetres per pixel of img2x (radii of edge enhancement are physical)."""
    on = set(cfg.families)
    unknown = on - set(FAMILIES)
    if unknown:
        raise ValueError(f"unknown augmentation families {sorted(unknown)}")
    m, down = _geometry("geometry" in on, rng, img2x.shape, out_hw, pts2x, cfg)
    x = _warp(img2x, m, out_hw, down, 0.0)
    pts = pts2x @ m[:, :2].T + m[:, 2]
    px_mm = px_mm_2x * down
    if "soft_tissue" in on and rng.random() < 0.5:
        x = _soft_tissue(x, rng, pts)
    if "field" in on:
        x = _field(x, rng)
    if "tone" in on:
        x = _tone(x, rng)
    else:  # the plain augmentation's mild exposure changes
        v = np.clip(x / 255.0, 0, 1) ** math.exp(rng.uniform(-0.3, 0.3))
        x = np.clip((v - 0.5) * (1 + rng.uniform(-0.25, 0.25)) + 0.5 + rng.uniform(-0.1, 0.1), 0, 1) * 255.0
    if "sharpness" in on:
        x = _sharpness(x.astype(np.float32), rng, px_mm)
    if "overlays" in on:
        x = _overlays(x.astype(np.float32), rng)
    if "noise" in on:
        x = _noise(x.astype(np.float32), rng)
    return np.clip(x, 0, 255).astype(np.float32), pts
