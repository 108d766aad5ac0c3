"""Add the TFLite image-input metadata that MediaPipe's Tasks API requires.

The pose models published in PyPI and npm packages predate the Tasks API and carry no
metadata; the Tasks API refuses a float32 image input without NormalizationOptions.
This module writes that metadata with the flatbuffer schemas that mediapipe itself ships
(pure Python), without mediapipe's metadata populator, whose native helper is missing
from the wheels.
"""

from __future__ import annotations

import flatbuffers
from mediapipe.tasks.metadata import metadata_schema_py_generated as meta_fb
from mediapipe.tasks.metadata import schema_py_generated as tflite_fb

METADATA_FIELD_NAME = b"TFLITE_METADATA"
METADATA_FILE_IDENTIFIER = b"M001"
TFLITE_FILE_IDENTIFIER = b"TFL3"
# ImageProperties and NormalizationOptions exist since metadata parser 1.0.0.
MIN_PARSER_VERSION = "1.0.0"


def _image_input_tensor(name: str, mean: float, std: float) -> meta_fb.TensorMetadataT:
    image = meta_fb.ImagePropertiesT()
    image.colorSpace = meta_fb.ColorSpaceType.RGB
    content = meta_fb.ContentT()
    content.contentPropertiesType = meta_fb.ContentProperties.ImageProperties
    content.contentProperties = image
    norm = meta_fb.NormalizationOptionsT()
    norm.mean = [mean]
    norm.std = [std]
    unit = meta_fb.ProcessUnitT()
    unit.optionsType = meta_fb.ProcessUnitOptions.NormalizationOptions
    unit.options = norm
    stats = meta_fb.StatsT()
    stats.max = [(255.0 - mean) / std]
    stats.min = [(0.0 - mean) / std]
    tensor = meta_fb.TensorMetadataT()
    tensor.name = name
    tensor.content = content
    tensor.processUnits = [unit]
    tensor.stats = stats
    return tensor


def build_metadata(model_name: str, n_outputs: int, mean: float, std: float) -> bytes:
    """Return a ModelMetadata flatbuffer for one RGB float image input.

    The model computes ``(pixel - mean) / std`` on 0..255 pixel values.
    """
    subgraph = meta_fb.SubGraphMetadataT()
    subgraph.inputTensorMetadata = [_image_input_tensor("image", mean, std)]
    outputs = []
    for i in range(n_outputs):
        t = meta_fb.TensorMetadataT()
        t.name = f"output_{i}"
        outputs.append(t)
    subgraph.outputTensorMetadata = outputs
    model_meta = meta_fb.ModelMetadataT()
    model_meta.name = model_name
    model_meta.version = "1"
    model_meta.license = "Apache License, Version 2.0"
    model_meta.subgraphMetadata = [subgraph]
    model_meta.minParserVersion = MIN_PARSER_VERSION
    builder = flatbuffers.Builder(0)
    builder.Finish(model_meta.Pack(builder), METADATA_FILE_IDENTIFIER)
    return bytes(builder.Output())


def count_outputs(model_buf: bytes) -> int:
    """Number of output tensors of the model's first subgraph."""
    model = tflite_fb.Model.GetRootAsModel(model_buf, 0)
    return model.Subgraphs(0).OutputsLength()


def add_image_metadata(model_buf: bytes, model_name: str, mean: float, std: float) -> bytes:
    """Return ``model_buf`` with image-input metadata attached (replacing any present)."""
    model = tflite_fb.ModelT.InitFromObj(tflite_fb.Model.GetRootAsModel(model_buf, 0))
    metadata = build_metadata(model_name, count_outputs(model_buf), mean, std)
    buffer = tflite_fb.BufferT()
    buffer.data = metadata
    model.metadata = [m for m in (model.metadata or []) if m.name != METADATA_FIELD_NAME]
    model.buffers.append(buffer)
    entry = tflite_fb.MetadataT()
    entry.name = METADATA_FIELD_NAME
    entry.buffer = len(model.buffers) - 1
    model.metadata.append(entry)
    builder = flatbuffers.Builder(len(model_buf) + len(metadata) + 1024)
    builder.Finish(model.Pack(builder), TFLITE_FILE_IDENTIFIER)
    return bytes(builder.Output())
