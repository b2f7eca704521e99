"""The chapter's picture: the error of a central difference against its step ε, for softplus
(float64 and float32, beside the predicted truncation and rounding) and for a network, with
:func:`error_curve_alt`, its text alternative written from the same data. Curves are
:class:`~bpbook.chapters.ch11_gradient_checking.curve.Curve` objects (1-D arrays over ε)."""
import numpy as np
from matplotlib.figure import Figure

from bpbook.display import described


def _loglog(ax, title):
    ax.set(xscale="log", yscale="log", xlabel="step ε", title=title)
    ax.grid(True, which="major", color="0.9", lw=0.6)


def error_curve_figure(f64, f32, net):
    """Two panels: softplus's error in float64 and float32 with the predicted parts; the
    network's largest error with its predicted rounding. Described by :func:`error_curve_alt`."""
    fig = Figure(figsize=(9.5, 3.8), layout="constrained")
    left, right = fig.subplots(1, 2)
    _loglog(left, "softplus at w = 1")
    left.plot(f64.eps, f64.error, "o", ms=3, label="measured, float64")
    left.plot(f32.eps, f32.error, "s", ms=3, color="tab:purple", label="measured, float32")
    left.plot(f64.eps, f64.truncation, "--", color="tab:red", label="truncation ε²|f‴|/6")
    left.plot(f64.eps, f64.rounding, ":", color="tab:green", label="rounding u|f|/ε (float64)")
    left.axvline(f64.u ** (1 / 3), color="0.5", lw=0.8)
    left.set_ylabel("|ĝ − f′(w)|")
    left.set_ylim(1e-13, 1e1)
    left.legend(fontsize="x-small", loc="lower left")
    _loglog(right, "tanh network on digits, float64")
    right.plot(net.eps, net.error, "o-", ms=3, label="measured (largest over the sample)")
    right.plot(net.eps, net.rounding, ":", color="tab:green", label="rounding u|ℒ|/ε")
    right.axvline(net.u ** (1 / 3), color="0.5", lw=0.8, label="ε = u^(1/3)")
    right.set_ylabel("largest |g − ĝ|")
    right.set_ylim(1e-13, 1e1)
    right.legend(fontsize="x-small", loc="lower left")
    return described(fig, error_curve_alt(f64, f32, net))


def _slope(curve, k0, k1):
    """The log-log slope of the measured error between grid points ``k0`` and ``k1``."""
    e, x = np.log10(curve.error[[k0, k1]]), np.log10(curve.eps[[k0, k1]])
    return (e[1] - e[0]) / (x[1] - x[0])


def error_curve_alt(f64, f32, net):
    """The text alternative of :func:`error_curve_figure`, from the same curves."""
    (e64, b64), (e32, b32), (en, bn) = f64.best, f32.best, net.best
    k = len(f64.eps)
    cross = int(np.argmax(f64.truncation > f64.rounding))  # the first step where it leads
    return (f"Two log-log plots of a central difference's error against its step ε, from "
            f"{f64.eps[0]:.0e} to {f64.eps[-1]:.0e}. Left, softplus at w = 1: in float64 the "
            f"error falls with slope {_slope(f64, 0, k // 3):.1f} while rounding dominates, "
            f"reaches its lowest, {b64:.1e}, at ε = {e64:.1e}, then rises with slope "
            f"{_slope(f64, k - 9, k - 3):.1f} where truncation dominates; the two predicted "
            f"lines cross between ε = {f64.eps[cross - 1]:.1e} and {f64.eps[cross]:.1e}, and "
            f"the grey line marks u^(1/3) = {f64.u ** (1 / 3):.1e}. In float32 the lowest "
            f"error is {b32:.1e}, at ε = {e32:.1e}{_plateau(f32)}. Right, the network: the same "
            f"V, lowest error {bn:.1e} at ε = {en:.1e}.")


def _plateau(curve):
    """Where a step is below half the dtype's spacing at w, w ± ε rounds to w, ĝ = 0 and the
    error is the derivative itself: say up to which ε the curve sits there."""
    flat = np.isclose(curve.error, curve.error[0], rtol=1e-6)
    if not flat[0] or not flat[1]:
        return ""
    last = curve.eps[np.argmin(flat) - 1]
    return (f"; up to ε = {last:.1e} its error is flat at {curve.error[0]:.4f}, the derivative "
            f"itself: w ± ε rounds to w and the central difference is 0")
