# Copyright (c) hih_mmpose contributors. All rights reserved.
import json
import os.path as osp
from unittest import TestCase, mock

import numpy as np
from mmengine.logging import print_log

from mmpose.registry import METRICS
from hih_mmpose.evaluation import auc, ced_curve, failure_rate


def wflw_face(offset: float, eye_distance: float = 100.) -> np.ndarray:
    """98 ground-truth landmarks whose outer eye corners (60, 72) are
    ``eye_distance`` apart, and predictions all shifted by ``offset`` px."""
    rng = np.random.default_rng(int(offset * 1000))
    gt = rng.uniform(50, 250, size=(98, 2))
    gt[60] = [100., 120.]
    gt[72] = [100. + eye_distance, 120.]
    pred = gt + [offset * 0.6, offset * 0.8]  # |shift| = offset
    return pred, gt


def data_sample(pred, gt, img_path='img.jpg'):
    return dict(
        img_path=img_path,
        pred_instances=dict(keypoints=pred[None]),
        gt_instances=dict(
            keypoints=gt[None],
            keypoints_visible=np.ones((1, len(gt))),
            bboxes=np.array([[40., 40., 290., 240.]])))


class TestFaceAlignmentMetric(TestCase):

    def setUp(self) -> None:
        # per-image NME 0.02, 0.05, 0.08, 0.15 (the last one a failure)
        self.samples = [
            data_sample(*wflw_face(e * 100), img_path=f'{i}.jpg')
            for i, e in enumerate((0.02, 0.05, 0.08, 0.15))
        ]

    def evaluate(self, metric, samples=None):
        metric.dataset_meta = dict(dataset_name='wflw')
        metric.process([], samples or self.samples)
        return metric.compute_metrics(metric.results)

    def evaluate_logged(self, extra):
        """The default metric on the four faces and ``extra``: its results
        and the messages it logged."""
        metric = METRICS.build(dict(type='FaceAlignmentMetric'))
        module = 'hih_mmpose.evaluation.metrics.face_alignment_metric'
        with mock.patch(f'{module}.print_log', wraps=print_log) as logged:
            results = self.evaluate(metric, self.samples + [extra])
        return results, [call.args[0] for call in logged.call_args_list]

    def test_nme_fr_auc(self):
        metric = METRICS.build(dict(type='FaceAlignmentMetric'))
        results = self.evaluate(metric)
        self.assertAlmostEqual(results['NME'], 0.075, places=9)
        self.assertAlmostEqual(results['FR@0.1'], 0.25, places=9)
        # CED is a step function: exact area (0.25 * 0.03 + 0.5 * 0.03 +
        # 0.75 * 0.02) / 0.1 = 0.375; Simpson on the 1e-4 grid is within
        # one grid step of the jumps
        self.assertAlmostEqual(results['AUC@0.1'], 0.375, delta=2e-3)

    def test_landmark_groups(self):
        """A group's NME is its own landmarks' error: the contour moved by
        10 px (0.1 of the eye distance), the inner points exact."""
        pred, gt = wflw_face(0.)
        pred = pred.copy()
        pred[:33] += [6., 8.]
        metric = METRICS.build(
            dict(type='FaceAlignmentMetric',
                 landmark_groups=dict(contour=range(33),
                                      inner=range(33, 98))))
        results = self.evaluate(metric, [data_sample(pred, gt)])
        self.assertAlmostEqual(results['NME/contour'], 0.1, places=9)
        self.assertAlmostEqual(results['NME/inner'], 0., places=9)
        self.assertAlmostEqual(results['NME'], 0.1 * 33 / 98, places=9)
        with self.assertRaisesRegex(ValueError, 'outside 0..97'):
            self.evaluate(METRICS.build(dict(
                type='FaceAlignmentMetric',
                landmark_groups=dict(bad=[98]))), [data_sample(pred, gt)])

    def test_functional_exact_values(self):
        nmes = np.array([0.02, 0.05, 0.08, 0.15])
        errors, fractions = ced_curve(nmes)
        self.assertEqual(len(errors), 1001)
        self.assertEqual(errors[-1], 0.1)
        self.assertEqual(fractions[199], 0.)  # 0.0199
        self.assertEqual(fractions[200], 0.25)  # 0.02: NME <= error counts
        self.assertEqual(fractions[-1], 0.75)
        self.assertEqual(failure_rate(nmes), 0.25)
        self.assertEqual(failure_rate(nmes, 0.05), 0.5)
        # all errors 0: the CED is 1 everywhere, AUC exactly 1
        self.assertAlmostEqual(auc(np.zeros(3)), 1.0, places=12)
        # uniform errors on [0, 0.2]: CED x / 0.2, area 0.025, AUC 0.25
        uniform = np.linspace(0, 0.2, 200001)
        self.assertAlmostEqual(auc(uniform), 0.25, delta=1e-4)

    def test_normalisations(self):
        _, gt = wflw_face(6.)
        gt[96], gt[97] = [120., 125.], [170., 125.]  # pupils 50 px apart
        pred = gt + [3.6, 4.8]  # 6 px everywhere
        samples = [data_sample(pred, gt)]
        results = self.evaluate(
            METRICS.build(
                dict(type='FaceAlignmentMetric', norm_mode='inter_pupil')),
            samples)
        self.assertAlmostEqual(results['NME'], 6. / 50, places=9)
        results = self.evaluate(
            METRICS.build(
                dict(type='FaceAlignmentMetric', norm_mode='bbox_size')),
            samples)
        self.assertAlmostEqual(results['NME'], 6. / np.sqrt(250 * 200),
                               places=9)
        results = self.evaluate(
            METRICS.build(
                dict(
                    type='FaceAlignmentMetric',
                    norm_indices=([60, 72], [96, 97]))), samples)
        distance = np.linalg.norm((gt[60] + gt[72]) / 2 -
                                  (gt[96] + gt[97]) / 2)
        self.assertAlmostEqual(results['NME'], 6. / distance, places=9)
        with self.assertRaisesRegex(ValueError, 'norm_mode'):
            METRICS.build(dict(type='FaceAlignmentMetric', norm_mode='iod'))

    def test_invisible_landmarks_and_per_landmark(self):
        pred, gt = wflw_face(0.)
        pred[5] += [30., 40.]  # 0.5 NME on landmark 5
        sample = data_sample(pred, gt)
        metric = METRICS.build(
            dict(type='FaceAlignmentMetric', per_landmark=True))
        results = self.evaluate(metric, [sample])
        self.assertAlmostEqual(results['NME'], 0.5 / 98, places=9)
        self.assertAlmostEqual(results['NME/landmark_5'], 0.5, places=9)
        self.assertEqual(results['NME/landmark_4'], 0.)
        sample['gt_instances']['keypoints_visible'][0, 5] = 0
        results = self.evaluate(
            METRICS.build(dict(type='FaceAlignmentMetric')), [sample])
        self.assertEqual(results['NME'], 0.)

    def test_face_without_visible_keypoints_is_left_out(self):
        """A face whose keypoints are all invisible has no error: it is
        left out with a warning, not counted as NME 0."""
        invisible = data_sample(*wflw_face(50.), img_path='hidden.jpg')
        invisible['gt_instances']['keypoints_visible'][:] = 0
        results, messages = self.evaluate_logged(invisible)
        self.assertTrue(any('1 of 5 faces have no visible keypoint' in m
                            and m.endswith('AUC: hidden.jpg')
                            for m in messages), messages)
        self.assertAlmostEqual(results['NME'], 0.075, places=9)
        self.assertAlmostEqual(results['FR@0.1'], 0.25, places=9)
        with self.assertRaisesRegex(ValueError, 'no face has a visible'):
            self.evaluate(
                METRICS.build(dict(type='FaceAlignmentMetric')), [invisible])

    def test_face_with_a_nan_coordinate_is_named(self):
        """A NaN ground-truth coordinate is an annotation error, said so
        with the image's name, not "no visible keypoint"."""
        pred, gt = wflw_face(5.)
        gt[40, 1] = np.nan
        broken = data_sample(pred, gt, img_path='nan_point.jpg')
        results, messages = self.evaluate_logged(broken)
        self.assertTrue(any(
            '1 of 5 faces have a NaN or infinite ground-truth coordinate' in m
            and 'nan_point.jpg' in m for m in messages), messages)
        self.assertFalse(any('no visible keypoint' in m for m in messages))
        self.assertAlmostEqual(results['NME'], 0.075, places=9)

    def test_face_with_zero_eye_distance_is_named(self):
        """Coinciding outer eye corners (inter-ocular distance 0, an
        annotation error) leave the face out with a warning that says so,
        not "no visible keypoint"."""
        degenerate = data_sample(*wflw_face(5., eye_distance=0.),
                                 img_path='same_corners.jpg')
        results, messages = self.evaluate_logged(degenerate)
        self.assertTrue(any(
            '1 of 5 faces have a normalising distance (inter_ocular) of 0'
            in m for m in messages), messages)
        self.assertFalse(any('no visible keypoint' in m for m in messages))
        self.assertAlmostEqual(results['NME'], 0.075, places=9)

    def test_subsets_and_ced_files(self):
        tmp = self.enterContext_tmpdir()
        # subset file in COCO layout holding faces 1 and 3
        subset = dict(
            images=[dict(id=7, file_name='event/1.jpg'),
                    dict(id=9, file_name='event/3.jpg')],
            annotations=[
                dict(image_id=image_id,
                     keypoints=np.column_stack(
                         [self.samples[i]['gt_instances']['keypoints'][0],
                          np.full(98, 2)]).ravel().tolist())
                for image_id, i in ((7, 1), (9, 3))
            ])
        ann_file = osp.join(tmp, 'subset.json')
        with open(ann_file, 'w') as f:
            json.dump(subset, f)
        metric = METRICS.build(
            dict(type='FaceAlignmentMetric', subsets=dict(hard=ann_file),
                 ced_dir=osp.join(tmp, 'ced')))
        results = self.evaluate(metric)
        self.assertAlmostEqual(results['NME/hard'], 0.1, places=9)
        self.assertAlmostEqual(results['FR@0.1/hard'], 0.5, places=9)
        self.assertAlmostEqual(results['NME'], 0.075, places=9)
        with open(osp.join(tmp, 'ced', 'ced.json')) as f:
            ced = json.load(f)
        self.assertEqual(set(ced['curves']), {'all', 'hard'})
        self.assertEqual(len(ced['nme']), 1001)
        self.assertEqual(ced['curves']['hard'][-1], 0.5)
        self.assertTrue(osp.getsize(osp.join(tmp, 'ced', 'ced.png')) > 1000)
        with self.assertRaises(FileNotFoundError):
            METRICS.build(
                dict(type='FaceAlignmentMetric',
                     subsets=dict(x=osp.join(tmp, 'missing.json'))))

    def enterContext_tmpdir(self) -> str:
        import tempfile
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        return tmp.name
