# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Check a COCO-layout face-landmark annotation file before a run uses it.

mmpose's face datasets trust their annotation files: a wrong keypoint count,
a NaN, a zero-size box or a missing image surfaces as a crash deep inside a
data-loader worker, or not at all (a duplicated face silently counts twice
in the NME). :func:`check_face_annotations` finds these up front and names
the file and annotation; ``tools/train.py`` and ``tools/test.py`` run it on
every configured dataset.
"""
import json
import os.path as osp
import warnings
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from hih_mmpose.runtime.image_io import ImageTooLargeError, load_image
from hih_mmpose.datasets.landmark_schemes import NORM_GROUPS, group_distance

# datasets whose boxes come from the annotation's ``center`` / ``scale``
CENTER_SCALE_DATASETS = ('WFLWDataset', 'Face300WDataset')


class AnnotationError(ValueError):
    """An annotation file that a run cannot use; the message names the
    file and the offending image / annotation."""


def _load_json(ann_file: str) -> dict:
    if not osp.isfile(ann_file):
        raise FileNotFoundError(f'annotation file {ann_file} does not exist')
    if osp.getsize(ann_file) == 0:
        raise AnnotationError(f'annotation file {ann_file} is empty')
    try:
        with open(ann_file) as f:
            content = json.load(f)
    except (ValueError, UnicodeDecodeError) as error:
        raise AnnotationError(
            f'annotation file {ann_file} is not valid JSON: {error}') from None
    if not isinstance(content, dict) or not isinstance(
            content.get('images'), list) or not isinstance(
                content.get('annotations'), list):
        raise AnnotationError(
            f'{ann_file} is not a COCO-style annotation file (a JSON object '
            "with 'images' and 'annotations' lists)")
    if not content['annotations']:
        raise AnnotationError(f'{ann_file} has no annotations')
    return content


def _numbers(value) -> Optional[np.ndarray]:
    """``value`` (a number or a nested list of numbers) as a flat float
    array (a JSON ``null`` inside the list becomes NaN), or ``None`` if it
    is null itself or holds anything else (strings, booleans, dicts)."""
    if value is None:
        return None
    flat = np.ravel(np.asarray(value, dtype=object))
    if not all(v is None or (isinstance(v, (int, float))
                             and not isinstance(v, bool)) for v in flat):
        return None
    return np.array([np.nan if v is None else v for v in flat], np.float64)


def _box_problem(ann: dict, center_scale: bool) -> Optional[str]:
    """What is wrong with the annotation's face box, or ``None``."""
    if center_scale:
        if 'center' not in ann or 'scale' not in ann:
            return 'has no center / scale (the face box)'
        center, scale = _numbers(ann['center']), _numbers(ann['scale'])
        if center is None or scale is None:
            return (f'has a center / scale that is not numbers: '
                    f'{ann["center"]!r}, {ann["scale"]!r}')
        values = np.concatenate([center, scale])
        if values.size != 3 or not np.isfinite(values).all():
            return f'has an invalid center / scale {ann["center"]}, ' \
                f'{ann["scale"]}'
        if values[2] <= 0:
            return f'has a zero-size face box (scale {ann["scale"]})'
        return None
    if 'bbox' not in ann:
        return 'has no bbox'
    bbox = _numbers(ann['bbox'])
    if bbox is None:
        return f'has a bbox that is not numbers: {ann["bbox"]!r}'
    if bbox.size != 4 or not np.isfinite(bbox).all():
        return f'has an invalid bbox {ann["bbox"]}'
    if bbox[2] <= 0 or bbox[3] <= 0:
        return f'has a zero-area bbox {ann["bbox"]}'
    return None


def check_face_annotations(ann_file: str,
                           img_dir: str = '',
                           num_keypoints: Optional[int] = None,
                           center_scale: bool = False,
                           check_images: bool = False,
                           norm_groups: Optional[Tuple[Sequence[int],
                                                       Sequence[int]]] = None
                           ) -> Dict[str, int]:
    """Check one COCO-layout face annotation file.

    Errors (:class:`AnnotationError`, a ``ValueError``, or
    ``FileNotFoundError``) for: a missing, empty or non-JSON file, one
    without annotations, an image id listed twice, an annotation of an
    unknown image, a keypoint count other than ``num_keypoints``, NaN / inf
    coordinates, a missing or zero-size face box, the same face annotated
    twice (same image file and keypoints), with ``norm_groups`` a face
    whose normalising distance is 0 (its NME would be undefined), image
    files that do not exist and, with ``check_images``, images above the
    pixel limit or that OpenCV cannot decode.

    Keypoints outside the image are allowed (faces cut by the image border):
    they are counted and reported with a warning. Training gives keypoints
    outside the crop weight 0; evaluation uses them as they are.

    Args:
        ann_file (str): The JSON file.
        img_dir (str): Directory the images' ``file_name`` s are relative
            to. Defaults to ``''``.
        num_keypoints (int, optional): Expected keypoints per face; defaults
            to the count of the first annotation.
        center_scale (bool): The dataset takes the face box from
            ``center`` / ``scale`` (mmpose's WFLW and 300W datasets)
            instead of ``bbox``. Defaults to ``False``.
        check_images (bool): Also decode every image (slow). Defaults to
            ``False``: only their existence is checked.
        norm_groups (tuple, optional): The two landmark groups whose
            centres give the NME's normalising distance (e.g. WFLW's outer
            eye corners ``([60], [72])``). Defaults to ``None``: not
            checked.

    Returns:
        dict: ``images``, ``annotations`` and ``outside_image`` (keypoints
        outside their image) counts.
    """
    content = _load_json(ann_file)
    images: Dict[object, dict] = {}
    for image in content['images']:
        if image.get('id') in images:
            raise AnnotationError(
                f'{ann_file}: image id {image.get("id")} is listed twice '
                f'({images[image["id"]].get("file_name")}, '
                f'{image.get("file_name")})')
        images[image.get('id')] = image

    seen_faces: Dict[tuple, object] = {}
    outside = 0
    for ann in content['annotations']:
        image = images.get(ann.get('image_id'))
        if image is None:
            raise AnnotationError(
                f'{ann_file}: annotation id {ann.get("id")} refers to image '
                f'id {ann.get("image_id")!r}, which is not in images (ids '
                f'there are like {next(iter(images), None)!r})')
        where = (f'{ann_file}: annotation id {ann.get("id")} (image '
                 f'{image.get("file_name")})')
        keypoints = _numbers(ann.get('keypoints', []))
        if keypoints is None:
            raise AnnotationError(
                f'{where} has keypoints that are not a list of numbers '
                f'(e.g. strings): {str(ann.get("keypoints"))[:60]}')
        if num_keypoints is None:
            num_keypoints = keypoints.size // 3
        if keypoints.size != 3 * num_keypoints:
            raise AnnotationError(
                f'{where} has {keypoints.size / 3:g} keypoints, expected '
                f'{num_keypoints} ({3 * num_keypoints} numbers x, y, v)')
        if not np.isfinite(keypoints).all():
            raise AnnotationError(f'{where} has NaN or infinite keypoint '
                                  'coordinates')
        if not np.any(keypoints.reshape(-1, 3)[:, 2] > 0):
            raise AnnotationError(
                f'{where} has no visible keypoint (every v is 0): it cannot '
                'be trained on or evaluated')
        problem = _box_problem(ann, center_scale)
        if problem:
            raise AnnotationError(f'{where} {problem}')
        xy = keypoints.reshape(-1, 3)[:, :2]
        if norm_groups is not None:
            distance = group_distance(xy[None], *norm_groups)[0]
            if not distance > 1e-6:
                raise AnnotationError(
                    f'{where} has a normalising distance of 0: the centres '
                    f'of landmarks {list(norm_groups[0])} and '
                    f'{list(norm_groups[1])} coincide, so its NME is '
                    'undefined (an annotation error)')
        width, height = image.get('width'), image.get('height')
        for name, value in (('width', width), ('height', height)):
            if value is not None and (isinstance(value, bool) or
                                      not isinstance(value, (int, float))):
                raise AnnotationError(
                    f'{ann_file}: image id {image.get("id")} '
                    f'({image.get("file_name")}) has {name} {value!r} '
                    f'({type(value).__name__}); expected a number of pixels')
        if width and height:
            # pixel centres at integers: the image spans -0.5 .. size - 0.5
            outside += int(np.sum((xy[:, 0] < -0.5) | (xy[:, 1] < -0.5) |
                                  (xy[:, 0] > width - 0.5) |
                                  (xy[:, 1] > height - 0.5)))
        face = (image.get('file_name'), keypoints.round(3).tobytes())
        if face in seen_faces:
            raise AnnotationError(
                f'{where} is listed twice: annotation id '
                f'{seen_faces[face]} has the same image and keypoints (it '
                'would count twice in the metrics)')
        seen_faces[face] = ann.get('id')

    file_names = sorted({str(image.get('file_name')) for image in
                         images.values()})
    missing = [name for name in file_names
               if not osp.isfile(osp.join(img_dir, name))]
    if missing:
        raise FileNotFoundError(
            f'{ann_file}: {len(missing)} of {len(file_names)} images are '
            f'missing under {img_dir!r}, e.g. ' + ', '.join(missing[:3]))
    if check_images:
        for name in file_names:
            try:
                load_image(osp.join(img_dir, name))
            except ImageTooLargeError as error:
                raise AnnotationError(f'{ann_file}: {error}') from None
            except ValueError:
                raise AnnotationError(
                    f'{ann_file}: image {osp.join(img_dir, name)} is not a '
                    'readable image') from None
    if outside:
        warnings.warn(
            f'{ann_file}: {outside} keypoints lie outside their image; kept '
            '(weight 0 in training when outside the crop)')
    return dict(images=len(images), annotations=len(content['annotations']),
                outside_image=outside)


RUN_LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def dataset_configs(cfg, loaders: Sequence[str] = RUN_LOADERS) -> List[dict]:
    """The dataset configs of a run config's ``loaders`` (by default train,
    val and test; inside ``ConcatDataset`` s too), without repeats."""
    found = []

    def visit(dataset) -> None:
        if dataset is None:
            return
        if 'datasets' in dataset:
            for inner in dataset['datasets']:
                visit(inner)
        elif 'dataset' in dataset:
            visit(dataset['dataset'])
        elif 'ann_file' in dataset and dataset not in found:
            found.append(dataset)

    for loader in loaders:
        if cfg.get(loader):
            visit(cfg[loader].get('dataset'))
    return found


def check_dataset_config(dataset: dict,
                         check_images: bool = False) -> Dict[str, int]:
    """:func:`check_face_annotations` on one mmpose dataset config
    (``type``, ``data_root``, ``ann_file``, ``data_prefix``, ``metainfo``)
    with the keypoint count of its metainfo."""
    from mmpose.datasets.datasets.utils import parse_pose_metainfo
    from mmpose.registry import DATASETS
    dataset_type = dataset.get('type', '')
    data_root = dataset.get('data_root') or ''
    ann_file = dataset['ann_file']
    if data_root and not osp.isabs(ann_file):
        ann_file = osp.join(data_root, ann_file)
    img_dir = (dataset.get('data_prefix') or {}).get('img', '')
    if data_root and not osp.isabs(img_dir):
        img_dir = osp.join(data_root, img_dir)
    num_keypoints, norm_groups = None, None
    metainfo = dataset.get('metainfo')
    dataset_class = DATASETS.get(dataset_type)
    if metainfo is None and dataset_class is not None:
        metainfo = getattr(dataset_class, 'METAINFO', None)
    if metainfo:
        parsed = parse_pose_metainfo(dict(metainfo))
        num_keypoints = parsed['num_keypoints']
        groups = NORM_GROUPS.get(parsed.get('dataset_name'), {})
        norm_groups = groups.get('inter_ocular')
    return check_face_annotations(
        ann_file, img_dir, num_keypoints,
        center_scale=dataset_type in CENTER_SCALE_DATASETS,
        check_images=check_images, norm_groups=norm_groups)


def check_run_datasets(cfg,
                       check_images: bool = False,
                       loaders: Sequence[str] = RUN_LOADERS) -> None:
    """Check every dataset of a run config's ``loaders`` (``tools/train.py``
    checks train, val and test, ``tools/test.py`` the test loader only)
    before building the Runner, and print one line per annotation file."""
    for dataset in dataset_configs(cfg, loaders):
        counts = check_dataset_config(dataset, check_images)
        print(f'[data check] {dataset["ann_file"]}: '
              f'{counts["annotations"]} faces in {counts["images"]} images, '
              'ok', flush=True)


def faces_mmpose_leaves_out(ann_file: str) -> List[str]:
    """The faces of a COCO-style face annotation file that mmpose's
    top-down datasets drop without a word (``_is_valid_instance``: crowd,
    ``num_keypoints`` 0, a box without area, also the centre/scale box of
    the face datasets, no keypoint above 0), as
    ``'annotation <id> (<image>): <why>'``; unreadable files give none (the
    data check names them)."""
    try:
        with open(ann_file) as f:
            content = json.load(f)
        images = {image['id']: image.get('file_name', '?')
                  for image in content['images']}
        annotations = content['annotations']
    except (OSError, ValueError, KeyError, TypeError):
        return []
    left_out = []
    for ann in annotations:
        try:
            keypoints = np.asarray(ann.get('keypoints', []), np.float64)
            box = np.asarray(ann.get('bbox', [0, 0, 1, 1]), np.float64)
            why = None
            if ann.get('iscrowd'):
                why = 'iscrowd'
            elif ann.get('num_keypoints', 1) == 0:
                why = 'num_keypoints 0 (every keypoint unlabelled)'
            elif len(box) == 4 and (box[2] <= 0 or box[3] <= 0):
                why = 'a box without area'
            elif 'scale' in ann and not float(
                    np.asarray(ann['scale'], np.float64).ravel()[0]) > 0:
                # (mmpose's face datasets box a face by centre and scale)
                why = f'a centre/scale box without area (scale ' \
                    f'{ann["scale"]})'
            elif keypoints.size and not np.nanmax(
                    np.r_[keypoints.reshape(-1, 3)[:, :2].ravel(), -1]) > 0:
                why = 'no keypoint coordinate above 0'
        except (TypeError, ValueError):
            continue
        if why:
            left_out.append(f"annotation {ann.get('id')} "
                            f"({images.get(ann.get('image_id'), '?')}): {why}")
    return left_out


def report_left_out_faces(cfg, loaders: Sequence[str] = RUN_LOADERS) -> int:
    """Print, per annotation file of ``loaders``, the faces that mmpose's
    datasets will drop (:func:`faces_mmpose_leaves_out`); the tools call it
    when ``--skip-data-check`` skips the check that refuses them. Returns
    their number."""
    total = 0
    for dataset in dataset_configs(cfg, loaders):
        path = osp.join(dataset.get('data_root') or '', dataset['ann_file'])
        left_out = faces_mmpose_leaves_out(path)
        total += len(left_out)
        if left_out:
            print(f'[data] {dataset["ann_file"]}: {len(left_out)} face(s) '
                  "that mmpose's dataset leaves out without a word: " +
                  '; '.join(left_out[:5]) +
                  (' ...' if len(left_out) > 5 else ''), flush=True)
    return total
