"""QR codes for end cards: crisp whole-pixel modules on a white plate with the standard quiet zone."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import qrcode
import qrcode.constants

QUIET_MODULES = 4  # the blank border scanners need, in modules
MIN_MODULE_PX = 3  # smaller modules blur together once the card is compressed and scaled by a player


def qr_modules(data: str) -> npt.NDArray[np.bool_]:
    """The code's dark modules (True = dark), without the quiet zone.

    Error correction M survives a compressed, scaled video frame and keeps a campaign link at
    about 49×49 modules.
    """
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    return np.array(code.get_matrix(), dtype=bool)


def qr_image(data: str, max_px: int) -> npt.NDArray[np.uint8]:
    """An RGB image at most `max_px` square: black modules on white, quiet zone included.

    Modules are whole pixels (never resampled), so the code stays sharp after encoding.
    """
    modules = qr_modules(data)
    count = modules.shape[0] + 2 * QUIET_MODULES
    module_px = max(MIN_MODULE_PX, max_px // count)
    framed = np.pad(modules, QUIET_MODULES, constant_values=False)
    pixels = np.kron(framed, np.ones((module_px, module_px), dtype=bool))
    grey = np.where(pixels, 0, 255).astype(np.uint8)
    return np.repeat(grey[:, :, None], 3, axis=2)


def min_qr_px(data: str) -> int:
    """The smallest side at which `qr_image` still gets MIN_MODULE_PX per module."""
    return int(qr_modules(data).shape[0] + 2 * QUIET_MODULES) * MIN_MODULE_PX
