"""yuv420p → RGB on the GPU, for ``VideoView``.

The decoder's Y, U and V planes go up as three luminance textures (half the bytes of an RGB
picture, and no colour conversion on the CPU); this fragment shader turns them into colour in
a frame buffer of the frame's own size, once per frame, and the view draws that buffer scaled
like any picture. Converting where the picture is drawn would run the shader for every screen
pixel on every redraw instead: with no GPU (Mesa's llvmpipe) that cost more than the CPU
conversion it replaces. BT.601 limited range: what VP8 from a browser's camera carries.
"""

from __future__ import annotations

import logging

from kivy.graphics import Fbo
from kivy.graphics.opengl import GL_RENDERER, glGetString

log = logging.getLogger(__name__)

#: texture units of the chroma planes (the luma plane is the rectangle's own texture, unit 0)
U_UNIT, V_UNIT = 1, 2

YUV_FS = """$HEADER$
uniform sampler2D tex_u;
uniform sampler2D tex_v;

void main(void) {
    float y = 1.16438 * (texture2D(texture0, tex_coord0).r - 0.0627451);
    float u = texture2D(tex_u, tex_coord0).r - 0.501961;
    float v = texture2D(tex_v, tex_coord0).r - 0.501961;
    vec3 rgb = vec3(y + 1.59603 * v, y - 0.391762 * u - 0.812968 * v, y + 2.01723 * u);
    gl_FragColor = frag_color * vec4(clamp(rgb, 0.0, 1.0), 1.0);
}
"""


_software: bool | None = None


def software_gl() -> bool:
    """Whether GL is drawn by the CPU (Mesa's llvmpipe, softpipe, swrast). There, converting
    with swscale's SIMD on a thread costs less than the shader and frame buffer pass that
    llvmpipe runs for it (bench video: the RGB path showed more frames for less CPU), so views
    ask for rgb24 and keep the shader for a real GPU. Said once in the log."""
    global _software
    if _software is None:
        renderer = glGetString(GL_RENDERER) or b""
        name = renderer.decode(errors="replace") if isinstance(renderer, bytes) else str(renderer)
        _software = any(word in name.lower() for word in ("llvmpipe", "softpipe", "swrast"))
        if _software:
            log.info("GL is drawn in software (%s); video frames are converted to RGB on the CPU, "
                     "which costs it less than the YUV shader", name)
    return _software


def yuv_fbo(fs: str = YUV_FS) -> Fbo | None:
    """A frame buffer that draws a luma texture, with its chroma bound at ``U_UNIT``/``V_UNIT``,
    as colour; or None (with a log line saying why) when the shader does not compile here."""
    fbo = Fbo(size=(2, 2))
    try:
        fbo.shader.fs = fs
    except Exception as e:  # noqa: BLE001 - Kivy raises on some drivers instead of setting success
        log.warning("the YUV shader cannot be used here (%s); video frames are converted to RGB on the CPU", e)
        return None
    if not fbo.shader.success:
        log.warning("the YUV shader did not compile on this GPU (Kivy's Shader log above says why); "
                    "video frames are converted to RGB on the CPU")
        return None
    fbo["tex_u"] = U_UNIT
    fbo["tex_v"] = V_UNIT
    return fbo
