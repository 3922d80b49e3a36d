# Copyright (c) hih_mmpose contributors. All rights reserved.
"""What a landmark's score and visibility say, on a test set whose
annotations flag occluded landmarks (COCO visibility 1; the wild synthetic
set, COFW).

On the ground-truth boxes of the config's test set (flip test as
configured), per landmark:

- visibility AUROC: how well ``1 - keypoint_visible`` (models with a
  visibility head) ranks the occluded landmarks above the visible ones;
- error AUROC: how well a low landmark score (the integer heatmap's peak),
  and a low visibility, rank the landmarks whose error exceeds
  ``--error-thr`` of the normalising distance above the others;
- per face: how well a low mean score ranks the failed faces (NME >= 10 %).

Example:
    .venv/bin/python tools/analysis_tools/score_eval.py \\
        configs/hih_synthetic_wild_visibility.py CHECKPOINT
"""
import argparse
import json
import os.path as osp

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--error-thr', type=float, default=0.1,
                        help='a landmark error above this fraction of the '
                        'normalising distance counts as large (default 0.1)')
    parser.add_argument('--trust-checkpoint', action='store_true')
    args = parser.parse_args()

    import torch
    from mmengine.config import Config
    from mmengine.runner import Runner
    from mmengine.utils import ProgressBar

    from research.model_loading import load_hih_checkpoint
    from hih_mmpose.evaluation.functional import (landmark_errors,
                                                  per_image_nme)
    from research.ranking import auroc
    cfg = Config.fromfile(args.config)
    model, metric = load_hih_checkpoint(cfg, args.checkpoint,
                                        trust=args.trust_checkpoint)
    dataset = cfg.test_dataloader.dataset
    with open(osp.join(dataset.data_root, dataset.ann_file)) as f:
        coco = json.load(f)
    flags = {a['id']: np.reshape(a['keypoints'], (-1, 3))[:, 2]
             for a in coco['annotations']}
    from hih_mmpose.models.heads import HIHVisibilityHead
    with_visibility = isinstance(model.head, HIHVisibilityHead)
    loader = Runner.build_dataloader(cfg.test_dataloader)
    pred, score, seen, gt, flag, boxes = [], [], [], [], [], []
    bar = ProgressBar(len(loader.dataset))
    with torch.no_grad():
        for batch in loader:
            for sample in model.test_step(batch):
                instances = sample.pred_instances
                pred.append(instances.keypoints[0])
                score.append(instances.keypoint_scores[0])
                if with_visibility:  # (else mmpose copies the scores)
                    seen.append(instances.keypoints_visible[0])
                gt.append(np.asarray(sample.gt_instances.keypoints)[0])
                boxes.append(np.asarray(sample.gt_instances.bboxes)[0])
                flag.append(flags[sample.metainfo['id']])
                bar.update()
    pred, score, gt = np.stack(pred), np.stack(score), np.stack(gt)
    flag, boxes = np.stack(flag), np.stack(boxes)
    labelled = flag > 0
    hidden = flag == 1
    errors = landmark_errors(pred, gt, metric.norm_distance(gt, boxes))
    large = errors > args.error_thr
    nmes = per_image_nme(errors, labelled)
    print(f'\n{len(pred)} faces, {int(labelled.sum())} landmarks, '
          f'{100 * hidden[labelled].mean():.1f} % occluded, '
          f'{100 * large[labelled].mean():.1f} % with error > '
          f'{100 * args.error_thr:g} %; NME {100 * np.nanmean(nmes):.3f} %')
    print(f'error AUROC of the landmark score (low = large error): '
          f'{auroc(-score[labelled], large[labelled]):.3f}')
    print(f'failed-face AUROC of the mean score (NME >= 10 %): '
          f'{auroc(-score.mean(1), nmes >= 0.1):.3f}')
    if seen:
        seen = np.stack(seen)
        right = (seen < 0.5)[labelled] == hidden[labelled]
        print(f'visibility AUROC (occluded vs visible): '
              f'{auroc(1 - seen[labelled], hidden[labelled]):.3f}; '
              f'accuracy at 0.5: {100 * right.mean():.1f} %')
        print(f'error AUROC of the visibility (low = large error): '
              f'{auroc(-seen[labelled], large[labelled]):.3f}')
        print(f'failed-face AUROC of the mean visibility: '
              f'{auroc(-seen.mean(1), nmes >= 0.1):.3f}')
    else:
        print('no visibility head: no visibility AUROC')
    print(f'error AUROC of "occluded" itself (the ground truth flag): '
          f'{auroc(hidden[labelled], large[labelled]):.3f}')


if __name__ == '__main__':
    main()
