"""Photos as phones make them: EXIF with a GPS position and an orientation, XMP, ICC, comments, text chunks."""

import io

from PIL import ExifTags, Image, ImageCms
from PIL.PngImagePlugin import PngInfo

RED, BLUE = (220, 20, 20), (20, 20, 220)


def gps_jpeg(orientation: int = 6) -> bytes:
    """A 40×20 phone photo, red left half and blue right half, with GPS, orientation, XMP, ICC and a comment."""
    image = Image.new("RGB", (40, 20), RED)
    image.paste(BLUE, (20, 0, 40, 20))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (22.0, 36.0, 44.4),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (113.0, 0.0, 44.4),
    }
    buffer = io.BytesIO()
    image.save(
        buffer,
        format="JPEG",
        exif=exif,
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
        comment=b"taken at the east gate",
        xmp=b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>secret place</x:xmpmeta>",
    )
    return buffer.getvalue()


def texty_png() -> bytes:
    info = PngInfo()
    info.add_text("Location", "22.612345,113.012345")
    info.add_text("Comment", "compressed note", zip=True)
    info.add_itxt("Author", "张三", lang="zh", tkey="作者")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), RED).save(buffer, format="PNG", pnginfo=info, exif=exif)
    return buffer.getvalue()
