# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Train a fresh decimal branch on the frozen features of a trained HIH
checkpoint: which branch, soft label, loss scale, learning rate and
initialisation let the sub-cell interval be learned?

The checkpoint's backbone runs once over the training and test faces
(the test pipeline, no augmentation); its stream features, last-stage
integer heatmaps and the codec's targets are kept in memory. Then only a new
decimal branch (the published one, or ``CellDecimalBranch``) is trained with
Adam on them, and its decimal interval top-1 accuracy on the test faces is
printed as it trains (chance: 1 / (Hd * Wd)).

Example (the published branch and recipe, then the cell branch):
    .venv/bin/python tools/analysis_tools/decimal_probe.py \\
        configs/hih_synthetic_published.py CKPT --branch published
    .venv/bin/python tools/analysis_tools/decimal_probe.py \\
        configs/hih_synthetic_published.py CKPT --branch cell \\
        --soft-label gaussian --reduction landmark --loss-weight 1
"""
import argparse
import json
import os.path as osp
import time

import torch
from mmengine.config import Config, DictAction

from research.decimal_probe import frozen_features, probe_accuracy
from research.model_loading import load_hih_checkpoint
from mmpose.registry import MODELS


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Train a decimal branch on frozen HIH features')
    parser.add_argument('config', help='config of the trained model')
    parser.add_argument('checkpoint', help='trained checkpoint')
    parser.add_argument('--branch', choices=['published', 'cell'],
                        default='published')
    parser.add_argument('--soft-label', choices=['softmax', 'gaussian',
                                                 'hard'], default='softmax',
                        help="SeamlessLoss soft label; 'hard' = one-hot "
                        'cross-entropy')
    parser.add_argument('--temperature', type=float, default=1.0)
    parser.add_argument('--reduction', choices=['mean', 'landmark'],
                        default='mean')
    parser.add_argument('--loss-weight', type=float, default=0.05)
    parser.add_argument('--lr', type=float, default=2e-3)
    parser.add_argument('--init', choices=['published', 'pytorch'],
                        default='published',
                        help="'published': conv weights N(0, 0.001); "
                        "'pytorch': PyTorch's default initialisation")
    parser.add_argument('--no-heatmap', action='store_true',
                        help='cell branch: read the stream features only, '
                        'not the integer heatmap')
    parser.add_argument('--iters', type=int, default=1000)
    parser.add_argument('--batch-size', type=int, default=32)
    parser.add_argument('--eval-interval', type=int, default=250)
    parser.add_argument('--max-train', type=int, default=2000,
                        help='training faces kept in memory')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--out', help='append the result as a json line')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='unpickle the checkpoint fully (can run code; '
                        'trusted files only)')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    torch.manual_seed(args.seed)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    # strict: a checkpoint of another model is refused
    model, _ = load_hih_checkpoint(
        cfg, args.checkpoint, trust=args.trust_checkpoint)
    if not model.head.heatmaps_from_backbone:
        raise ValueError('the probe reads the stream of HIHHourglassNet '
                         '(heatmaps_from_backbone=True)')
    train_cfg = dict(cfg.test_dataloader)
    train_cfg['dataset'] = dict(
        cfg.test_dataloader.dataset,
        ann_file=cfg.train_dataloader.dataset.ann_file,
        test_mode=True)
    train_cfg['sampler'] = dict(type='DefaultSampler', shuffle=False)
    print('frozen features of the training faces')
    train = frozen_features(model, train_cfg, args.max_train)
    print('frozen features of the test faces')
    test = frozen_features(model, cfg.test_dataloader, 10**9)

    head_cfg = dict(cfg.model.head)  # its codec gives the sizes
    head_cfg.pop('decimal_branch', None)
    if args.branch == 'cell':
        head_cfg['decimal_branch'] = dict(
            type='CellDecimalBranch', use_heatmap=not args.no_heatmap)
    head = MODELS.build(head_cfg)
    head.init_weights()  # the head's N(0, 0.001) conv initialisation
    branch = head.decimal_layers.train()
    if args.init == 'pytorch':
        for module in branch.modules():
            if hasattr(module, 'reset_parameters'):
                module.reset_parameters()
    on_cells = head.decimal_branch_on_cells
    if args.soft_label == 'hard':
        loss_fn = None
    else:
        loss_fn = MODELS.build(
            dict(type='SeamlessLoss', soft_label=args.soft_label,
                 temperature=args.temperature, reduction=args.reduction,
                 loss_weight=args.loss_weight))
    optimizer = torch.optim.Adam(branch.parameters(), lr=args.lr)

    def run(data: dict, index: torch.Tensor) -> torch.Tensor:
        if on_cells:
            return branch(data['stream'][index], data['heatmaps'][index],
                          data['cells'][index])
        return branch(data['stream'][index])

    def accuracy() -> float:
        branch.eval()
        acc = probe_accuracy(run, test)
        branch.train()
        return acc

    num_train = len(train['stream'])
    curve, grad_scale = [], None
    start = time.time()
    for step in range(1, args.iters + 1):
        index = torch.randint(0, num_train, (args.batch_size, ))
        logits = run(train, index)
        target = train['decimal'][index]
        weights = train['weights'][index]
        if loss_fn is None:
            per_keypoint = torch.nn.functional.cross_entropy(
                logits.flatten(2).transpose(1, 2),
                target.flatten(2).argmax(-1),
                reduction='none')
            loss = (per_keypoint * weights).mean() * args.loss_weight
        else:
            loss = loss_fn(logits, target, weights)
        optimizer.zero_grad()
        loss.backward()
        if grad_scale is None:  # mean |gradient| of the first step
            grads = torch.cat([p.grad.abs().flatten()
                               for p in branch.parameters()
                               if p.grad is not None])
            grad_scale = float(grads.mean())
        optimizer.step()
        if step % args.eval_interval == 0 or step == args.iters:
            acc = accuracy()
            curve.append((step, acc))
            print(f'iter {step:5d}  loss {float(loss):.3e}  test decimal '
                  f'top-1 {100 * acc:5.1f} %  ({time.time() - start:.0f} s)',
                  flush=True)
    chance = 1. / train['decimal'][0, 0].numel()
    result = dict(
        vars(args), chance=chance, first_step_mean_abs_grad=grad_scale,
        curve=curve, final_acc=curve[-1][1],
        params=sum(p.numel() for p in branch.parameters()))
    print(f'final decimal top-1: {100 * curve[-1][1]:.1f} % (chance '
          f'{100 * chance:.1f} %); first-step mean |grad| {grad_scale:.2e} '
          '(Adam eps 1e-8)')
    if args.out:
        with open(args.out, 'a') as f:
            f.write(json.dumps(result) + '\n')
        print(f'appended to {osp.abspath(args.out)}')


if __name__ == '__main__':
    main()
