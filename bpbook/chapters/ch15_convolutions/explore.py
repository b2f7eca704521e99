"""The feature-map explorer of chapter 15: pick a digit and a kernel; see the image, the feature
map a 3 × 3 convolution (padding 1, ReLU) makes of it, what 2 × 2 max pooling keeps, and which
pre-activations the gradient of the pooled sum reaches: max pooling routes it to each window's
maximum, and the ReLU stops it where that maximum is 0 (a window of zeros).

:func:`update` is the update function, a plain function that tests call directly; it computes
with bpbook's :class:`~bpbook.conv.Conv2d` and :class:`~bpbook.conv.MaxPool2d` and returns a
:class:`FeatureView`: the numbers, a table and the picture (moved on the explorer's kept figure
when one is given). :func:`explorer` only wires a slider and a dropdown to it. Images are
``(8, 8)`` arrays, grey levels in [0, 1].
"""
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from bpbook import Conv2d, MaxPool2d
from bpbook.chapters.ch15_convolutions.cnn import split
from bpbook.errors import InputError, short_repr
from bpbook.tables import Table
from bpbook.widgets import KeptFigure

EDGE = np.array([[1.0, 0.0, -1.0]] * 3)
KERNELS = {"vertical edges": EDGE, "horizontal edges": EDGE.T, "blur": np.full((3, 3), 1 / 9)}
N_IMAGES = 50  # the first test images are the explorer's choice
TITLES = ("image", "feature map (ReLU)", "after 2×2 max pool", "gradient reaches z")


@dataclass
class FeatureView:
    index: int
    label: int
    kernel: str
    feature: np.ndarray  # (8, 8)
    pooled: np.ndarray  # (4, 4)
    routed: np.ndarray  # (8, 8): ∂(sum of pooled)/∂z, 1 at each window's maximum if above 0
    table: Table
    alt: str
    figure: Figure


def _layers(kernel):
    conv = Conv2d(1, 1, 3, padding=1, activation="relu", W=KERNELS[kernel][None, None],
                  b=np.zeros((1, 1)))
    return conv, MaxPool2d(2)


def _check(index, kernel):
    if isinstance(index, (bool, np.bool_)) or not isinstance(index, (int, np.integer)) \
            or not 0 <= index < N_IMAGES:
        raise InputError(f"explorer: index must be an integer from 0 to {N_IMAGES - 1}, got "
                         f"{short_repr(index)}")
    if kernel not in KERNELS:
        raise InputError(f"explorer: unknown kernel {kernel!r}; expected one of: "
                         f"{', '.join(KERNELS)}")


def update(index=0, kernel="vertical edges", plot=None, data=None):
    """The feature map, pooled map and routing of test image ``index`` under ``kernel``."""
    _check(index, kernel)
    data = data or _data()
    image = data.test_images[..., index:index + 1]
    conv, pool = _layers(kernel)
    feature = conv.forward(image)
    pooled = pool.forward(feature)
    feature, pooled = feature[0, :, :, 0], pooled[0, :, :, 0]
    # routed to each window's maximum, then through the ReLU: nothing passes where it is 0
    routed = pool.backward(np.ones((1, *pooled.shape, 1)))[0, :, :, 0] * (feature > 0)
    label = int(data.test_labels[index])
    r, c = np.unravel_index(feature.argmax(), feature.shape)
    dead = int((pooled == 0).sum())
    reached = int((routed > 0).sum())
    table = Table(["quantity", "value"], [
        ["digit", label], ["largest feature", float(feature.max())],
        ["features above 0", int((feature > 0).sum())], ["windows whose maximum is 0", dead],
        ["pre-activations the gradient reaches", reached]],
        [None, "{:g}"], css_class="bp-explorer")
    alt = (f"Test image {index}, a {label}, and its {kernel} feature map: "
           f"{int((feature > 0).sum())} of {feature.size} features are above 0, the largest "
           f"{feature.max():.2f} at row {r + 1}, column {c + 1} (counted from 1); 2×2 max pooling "
           f"keeps {pooled.size} values, {dead} of them 0; the gradient of their sum reaches "
           f"{reached} of the {feature.size} pre-activations: each window's largest, unless it "
           "is 0, where the ReLU stops it.")
    fig = (plot or FeaturePlot()).update(image[0, :, :, 0], feature, pooled, routed)
    return FeatureView(index, label, kernel, feature, pooled, routed, table, alt, fig)


_DATA = []


def _data():
    """The chapter's split, read once per kernel session."""
    if not _DATA:
        _DATA.append(split())
    return _DATA[0]


class FeaturePlot:
    """Four panels in a row whose pictures the explorer replaces on each move."""

    def __init__(self):
        self.figure = Figure(figsize=(8.4, 2.4), layout="constrained")
        axes = self.figure.subplots(1, 4)
        self.images = []
        for ax, title, shape in zip(axes, TITLES, [(8, 8), (8, 8), (4, 4), (8, 8)]):
            self.images.append(ax.imshow(np.zeros(shape), cmap="gray_r", vmin=0, vmax=1))
            ax.set_title(title, fontsize=9)
            ax.set_xticks([])
            ax.set_yticks([])

    def update(self, image, feature, pooled, routed):
        top = max(float(feature.max()), 1e-12)
        for artist, values in zip(self.images, (image, feature / top, pooled / top, routed)):
            artist.set_data(values)
        return self.figure


def explorer():
    """A slider for the test image and a dropdown for the kernel, wired to :func:`update`."""
    import ipywidgets as w

    from bpbook.widgets import wire_in_place

    plot = FeaturePlot()
    kept = KeptFigure(plot.figure, plot.images)
    index = w.IntSlider(0, 0, N_IMAGES - 1, description="test image")
    kernel = w.Dropdown(options=list(KERNELS), value="vertical edges", description="kernel")

    def show(i, k):
        view = update(i, k, plot=plot)
        return [view.table, kept.picture(view.alt)]
    return wire_in_place([index, kernel], show)
