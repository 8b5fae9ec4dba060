"""Distances on the WGS-84 ellipsoid: one pair at a time, or many at once.

Vincenty's inverse formula (T. Vincenty, "Direct and inverse solutions of geodesics on the
ellipsoid with application of nested equations", Survey Review 23(176), 1975), written once
and run either on floats (the few pairs a ranking measures: ~5 µs each) or on numpy arrays
(hundreds of pairs together): sub-millimetre agreement with Karney's geodesic where it
converges. It fails only for nearly antipodal points and cannot divide for the same point or
along the equator; those pairs are measured by geographiclib (C. F. F. Karney, "Algorithms for
geodesics", J. Geodesy 87, 2013), as geopy's `geodesic` does, which is exact but ten times
slower in pure Python. PROJ, used before, cost 14 MB in every worker.
"""
import math

import numpy as np
from geographiclib.geodesic import Geodesic

A_M = 6378137.0  # WGS-84 semi-major axis, metres
F = 1 / 298.257223563  # WGS-84 flattening
B_M = (1 - F) * A_M
E2_PRIME = (A_M ** 2 - B_M ** 2) / B_M ** 2  # second eccentricity squared
ITERATIONS = 100
TOLERANCE = 1e-12  # radians of longitude on the auxiliary sphere (~0.006 mm)


class _Floats:
    sin, cos, tan, atan, atan2, hypot, radians = (
        math.sin, math.cos, math.tan, math.atan, math.atan2, math.hypot, math.radians)

    settled = TOLERANCE.__gt__  # step < TOLERANCE, without a Python call per iteration


class _Arrays:
    sin, cos, tan, atan, atan2, hypot, radians = (
        np.sin, np.cos, np.tan, np.arctan, np.arctan2, np.hypot, np.radians)

    @staticmethod
    def settled(step) -> bool:
        return not step.max() >= TOLERANCE  # also stops on nan (measured by Karney instead)


def _vincenty_m(m, lat: float, lon: float, lats, lons):
    """(metres, last step) from (lat, lon) to (lats, lons), in the arithmetic of `m`
    (_Floats or _Arrays); the caller measures unsettled or undefined pairs otherwise."""
    sin, cos, hypot, atan2, settled = m.sin, m.cos, m.hypot, m.atan2, m.settled
    big_l = m.radians((lons - lon + 180.0) % 360.0 - 180.0)
    u1 = math.atan((1 - F) * math.tan(math.radians(lat)))
    sin_u1, cos_u1 = math.sin(u1), math.cos(u1)
    u2 = m.atan((1 - F) * m.tan(m.radians(lats)))
    sin_u2, cos_u2 = sin(u2), cos(u2)
    a1, a2 = cos_u1 * sin_u2, sin_u1 * cos_u2
    ss, cc = sin_u1 * sin_u2, cos_u1 * cos_u2
    lam = big_l
    for _ in range(ITERATIONS):
        sin_lam, cos_lam = sin(lam), cos(lam)
        sin_sigma = hypot(cos_u2 * sin_lam, a1 - a2 * cos_lam)
        cos_sigma = ss + cc * cos_lam
        sigma = atan2(sin_sigma, cos_sigma)
        sin_alpha = cc * sin_lam / sin_sigma
        cos2_alpha = 1.0 - sin_alpha * sin_alpha
        cos_2sm = cos_sigma - 2.0 * ss / cos2_alpha
        c = (F / 16) * cos2_alpha * (4.0 + F * (4.0 - 3.0 * cos2_alpha))
        new_lam = big_l + (1.0 - c) * F * sin_alpha * (
            sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (2.0 * cos_2sm * cos_2sm - 1.0)))
        step = abs(new_lam - lam)
        lam = new_lam
        if settled(step):
            break
    u_sq = cos2_alpha * E2_PRIME
    big_a = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
    big_b = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
    delta_sigma = big_b * sin_sigma * (cos_2sm + big_b / 4 * (
        cos_sigma * (2 * cos_2sm * cos_2sm - 1)
        - big_b / 6 * cos_2sm * (4 * sin_sigma * sin_sigma - 3) * (4 * cos_2sm * cos_2sm - 3)))
    return B_M * big_a * (sigma - delta_sigma), step


def _karney_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2, Geodesic.DISTANCE)["s12"]


def geodesic_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic km between two points."""
    try:
        metres, step = _vincenty_m(_Floats, lat1, lon1, lat2, lon2)
    except ZeroDivisionError:  # the same point, or along the equator
        return _karney_m(lat1, lon1, lat2, lon2) / 1000.0
    if not step < TOLERANCE:  # nearly antipodal: the iteration did not settle
        return _karney_m(lat1, lon1, lat2, lon2) / 1000.0
    return metres / 1000.0


def geodesic_km_many(lat: float, lon: float, lats, lons) -> np.ndarray:
    """Geodesic km from (lat, lon) to each (lats[i], lons[i]), in degrees, every pair
    iterated together (a handful of rounds)."""
    lats, lons = np.asarray(lats, dtype=np.float64), np.asarray(lons, dtype=np.float64)
    if lats.size == 0:
        return np.zeros(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        metres, step = _vincenty_m(_Arrays, lat, lon, lats, lons)
    bad = ~(step < TOLERANCE) | ~np.isfinite(metres)
    for i in np.flatnonzero(bad):
        metres[i] = _karney_m(lat, lon, float(lats[i]), float(lons[i]))
    return metres / 1000.0
