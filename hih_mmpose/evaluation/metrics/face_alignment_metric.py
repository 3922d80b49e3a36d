# Copyright (c) hih_mmpose contributors. All rights reserved.
import json
import os
import os.path as osp
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log

from mmpose.registry import METRICS
from ..functional.face_metrics import (NORM_GROUPS, auc, box_size, ced_curve,
                                       failure_rate, group_distance,
                                       landmark_errors, per_image_nme)

SubsetKey = Tuple[str, float, float]


def _subset_key(image_path: str, keypoints: np.ndarray) -> SubsetKey:
    """Identify a face by its image name and the centre of its ground-truth
    landmarks (an image may hold several faces)."""
    centre = np.asarray(keypoints, np.float64).reshape(-1, 2).mean(axis=0)
    return (osp.basename(image_path), round(float(centre[0]), 1),
            round(float(centre[1]), 1))


def _read_subset(ann_file: str) -> set:
    """Keys of the faces in a COCO-style annotation file."""
    if not osp.isfile(ann_file):
        raise FileNotFoundError(f'subset annotation file {ann_file} does '
                                'not exist')
    with open(ann_file) as f:
        coco = json.load(f)
    names = {image['id']: image['file_name'] for image in coco['images']}
    return {
        _subset_key(names[ann['image_id']],
                    np.reshape(ann['keypoints'], (-1, 3))[:, :2])
        for ann in coco['annotations']
    }


@METRICS.register_module()
class FaceAlignmentMetric(BaseMetric):
    """NME, FR and AUC for face alignment, with subsets and a CED curve.

    Per image, ``NME = mean_k ||pred_k - gt_k|| / d`` in original-image
    pixels; the reported NME is the mean over images, FR@t the fraction of
    images with NME > t and AUC@t the area under the cumulative error
    distribution on [0, t] divided by t (Simpson's rule, step ``auc_step``).

    Normalisation ``d`` (``norm_mode``):

    - ``'inter_ocular'``: outer eye corners (WFLW 60/72, 300W 36/45,
      COFW 8/9), the HIH / PIPNet / mmpose protocol;
    - ``'inter_pupil'``: pupils (WFLW 96/97, COFW 16/17, 300W the centres of
      the eye contours 36-41 / 42-47);
    - ``'bbox_size'``: ``sqrt(w * h)`` of the ground-truth box.

    The dataset is read from ``dataset_meta['dataset_name']`` ('wflw',
    '300w', 'cofw'); ``norm_indices`` overrides the groups for other
    datasets.

    Args:
        norm_mode (str): See above. Defaults to ``'inter_ocular'``.
        norm_indices (tuple, optional): ``(group_a, group_b)`` landmark
            indices whose centres give ``d``. Defaults to ``None``.
        failure_threshold (float): NME threshold of FR and AUC.
            Defaults to ``0.1``.
        auc_step (float): Integration step of the AUC. Defaults to ``1e-4``.
        subsets (dict, optional): ``{name: annotation file}`` of subsets of
            the evaluated set (e.g. WFLW's six attribute subsets); each is
            reported as ``NME/<name>``, ``FR@0.1/<name>``, ``AUC@0.1/<name>``.
            Defaults to ``None``.
        per_landmark (bool): Also report ``NME/landmark_<k>``.
            Defaults to ``False``.
        landmark_groups (dict, optional): ``{name: landmark indices}``;
            each group's NME over the whole set (per image over the group's
            visible landmarks, then the mean) is reported as
            ``NME/<name>``, e.g. ``contour=range(33)`` on WFLW. Defaults to
            ``None``.
        ced_dir (str, optional): Folder to write ``ced.json`` and
            ``ced.png`` (one curve per set) into. Defaults to ``None``.
        collect_device (str): ``'cpu'`` or ``'gpu'``. Defaults to ``'cpu'``.
        prefix (str, optional): Metric name prefix. Defaults to ``None``.
    """

    default_prefix: Optional[str] = None

    def __init__(self,
                 norm_mode: str = 'inter_ocular',
                 norm_indices: Optional[Tuple[Sequence[int],
                                              Sequence[int]]] = None,
                 failure_threshold: float = 0.1,
                 auc_step: float = 1e-4,
                 subsets: Optional[Dict[str, str]] = None,
                 per_landmark: bool = False,
                 landmark_groups: Optional[Dict[str, Sequence[int]]] = None,
                 ced_dir: Optional[str] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if norm_mode not in ('inter_ocular', 'inter_pupil', 'bbox_size'):
            raise ValueError(
                f'{self.__class__.__name__}: norm_mode must be '
                "'inter_ocular', 'inter_pupil' or 'bbox_size', got "
                f'{norm_mode!r}')
        self.norm_mode = norm_mode
        self.norm_indices = norm_indices
        self.failure_threshold = failure_threshold
        self.auc_step = auc_step
        self.subsets = {
            name: _read_subset(ann_file)
            for name, ann_file in (subsets or {}).items()
        }
        self.per_landmark = per_landmark
        self.landmark_groups = {
            name: np.asarray(list(indices), np.int64)
            for name, indices in (landmark_groups or {}).items()
        }
        clash = set(self.landmark_groups) & set(self.subsets)
        if clash:
            raise ValueError(
                f'{self.__class__.__name__}: {sorted(clash)} name both a '
                'subset and a landmark group')
        self.ced_dir = ced_dir

    def process(self, data_batch: Sequence[dict],
                data_samples: Sequence[dict]) -> None:
        """Keep predicted and ground-truth keypoints (original image
        pixels) of every sample."""
        for sample in data_samples:
            gt = sample['gt_instances']
            visible = np.asarray(gt['keypoints_visible']).reshape(-1)
            self.results.append(
                dict(
                    pred=np.asarray(sample['pred_instances']['keypoints'])[0],
                    gt=np.asarray(gt['keypoints'])[0],
                    visible=visible > 0,
                    bbox=np.asarray(gt['bboxes']).reshape(-1)[:4],
                    image=sample.get('img_path', ''),
                    key=_subset_key(sample.get('img_path', ''),
                                    np.asarray(gt['keypoints'])[0])))

    def norm_distance(self, gt: np.ndarray,
                      bboxes: np.ndarray) -> np.ndarray:
        """Normalising distance of each face: (N, K, 2) ground-truth
        keypoints and (N, 4) xyxy boxes -> (N, )."""
        if self.norm_mode == 'bbox_size':
            return box_size(bboxes)
        groups = self.norm_indices
        if groups is None:
            name = (self.dataset_meta or {}).get('dataset_name')
            if name not in NORM_GROUPS:
                raise ValueError(
                    f'{self.__class__.__name__}: no {self.norm_mode} '
                    f'landmarks known for dataset {name!r}; set '
                    'norm_indices')
            groups = NORM_GROUPS[name][self.norm_mode]
        return group_distance(gt, *groups)

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """NME / FR / AUC of the whole set and of each subset."""
        pred = np.stack([r['pred'] for r in results]).astype(np.float64)
        gt = np.stack([r['gt'] for r in results]).astype(np.float64)
        visible = np.stack([r['visible'] for r in results])
        bboxes = np.stack([r['bbox'] for r in results]).astype(np.float64)
        norm = self.norm_distance(gt, bboxes)
        degenerate = ~(norm > 1e-6)  # NaN too
        with np.errstate(divide='ignore', invalid='ignore'):
            errors = landmark_errors(pred, gt, norm)
        nmes = per_image_nme(errors, visible)
        # (a non-finite ground-truth coordinate is an annotation error, not
        # an unseen landmark)
        broken = ~np.isfinite(gt).all(axis=(1, 2)) & ~degenerate
        unseen = ~np.isfinite(nmes) & ~degenerate & ~broken
        measured = np.isfinite(nmes) & ~degenerate & ~broken
        if not measured.any():
            raise ValueError(f'{self.__class__.__name__}: no face has a '
                             'visible keypoint and a normalising distance '
                             '> 0; nothing to evaluate')
        # neither kind of face has an error: it must not count as a
        # perfect face (NME 0)
        for left_out, why in (
            (degenerate, f'a normalising distance ({self.norm_mode}) of 0 '
             '(the landmarks that define it coincide: an annotation error)'),
            (broken, 'a NaN or infinite ground-truth coordinate (an '
             'annotation error)'),
                (unseen, 'no visible keypoint')):
            if left_out.any():
                names = [str(r.get('image', '?')) for r, out in
                         zip(results, left_out) if out]
                print_log(
                    f'{len(names)} of {len(nmes)} faces have {why}; they '
                    'are left out of NME, FR and AUC: ' +
                    ', '.join(names[:5]) + (' ...' if len(names) > 5 else
                                            ''),
                    logger='current', level=30)
        if not measured.all():
            results = [r for r, m in zip(results, measured) if m]
            errors, visible, nmes = (errors[measured], visible[measured],
                                     nmes[measured])

        sets = OrderedDict(all=np.ones(len(results), bool))
        for name, members in self.subsets.items():
            sets[name] = np.array([r['key'] in members for r in results])
            if not sets[name].any():
                print_log(f'subset {name!r}: none of its faces was '
                          'evaluated', logger='current', level=30)
        thr = self.failure_threshold
        metrics = OrderedDict()
        for name, selected in sets.items():
            if not selected.any():
                continue
            suffix = '' if name == 'all' else f'/{name}'
            metrics[f'NME{suffix}'] = float(nmes[selected].mean())
            metrics[f'FR@{thr:g}{suffix}'] = failure_rate(nmes[selected], thr)
            metrics[f'AUC@{thr:g}{suffix}'] = auc(nmes[selected], thr,
                                                 self.auc_step)
        for name, indices in self.landmark_groups.items():
            if indices.size and (indices.min() < 0
                                 or indices.max() >= errors.shape[1]):
                raise ValueError(
                    f'{self.__class__.__name__}: landmark group {name!r} '
                    f'has indices outside 0..{errors.shape[1] - 1}')
            group = per_image_nme(errors[:, indices], visible[:, indices])
            metrics[f'NME/{name}'] = float(np.nanmean(group))
        if self.per_landmark:
            for k, value in enumerate(
                    np.nanmean(np.where(visible, errors, np.nan), axis=0)):
                metrics[f'NME/landmark_{k}'] = float(value)

        self._log_table(metrics, sets)
        if self.ced_dir:
            self._write_ced(nmes, sets)
        return metrics

    def _log_table(self, metrics: Dict[str, float],
                   sets: Dict[str, np.ndarray]) -> None:
        thr = f'{self.failure_threshold:g}'
        lines = [f'{"set":<14}{"faces":>7}{"NME %":>9}{"FR@" + thr + " %":>11}'
                 f'{"AUC@" + thr:>10}']
        for name, selected in sets.items():
            suffix = '' if name == 'all' else f'/{name}'
            if f'NME{suffix}' not in metrics:
                continue
            lines.append(
                f'{name:<14}{int(selected.sum()):>7}'
                f'{100 * metrics["NME" + suffix]:>9.3f}'
                f'{100 * metrics["FR@" + thr + suffix]:>11.2f}'
                f'{metrics["AUC@" + thr + suffix]:>10.4f}')
        print_log(f'Face alignment ({self.norm_mode} NME):\n' +
                  '\n'.join(lines), logger='current')

    def _write_ced(self, nmes: np.ndarray,
                   sets: Dict[str, np.ndarray]) -> None:
        """Write ced.json and ced.png into ``ced_dir``."""
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt

        from ...utils.output_folder import refuse_link
        os.makedirs(self.ced_dir, exist_ok=True)
        for name in ('ced.json', 'ced.png'):  # never through a link
            refuse_link(osp.join(self.ced_dir, name), 'the CED curve')
        curves = OrderedDict()
        figure, axes = plt.subplots(figsize=(6, 4.5))
        for name, selected in sets.items():
            if not selected.any():
                continue
            errors, fractions = ced_curve(nmes[selected],
                                          self.failure_threshold,
                                          self.auc_step)
            curves[name] = fractions.tolist()
            axes.plot(errors * 100, fractions * 100, label=name)
        with open(osp.join(self.ced_dir, 'ced.json'), 'w') as f:
            json.dump(
                dict(norm_mode=self.norm_mode, nme=errors.tolist(),
                     curves=curves), f)
        axes.set_xlabel(f'NME ({self.norm_mode}) %')
        axes.set_ylabel('images %')
        axes.set_xlim(0, self.failure_threshold * 100)
        axes.set_ylim(0, 100)
        axes.grid(True, alpha=0.3)
        axes.legend(loc='lower right')
        axes.set_title('Cumulative error distribution')
        figure.tight_layout()
        figure.savefig(osp.join(self.ced_dir, 'ced.png'), dpi=100)
        plt.close(figure)
