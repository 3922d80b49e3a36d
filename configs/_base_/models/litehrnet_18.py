# The light HIH: HIH's head (integer + decimal heatmaps, the cell decimal
# branch, the seamless loss, the codec of configs/_base_/models/hih_head.py)
# on mmpose's LiteHRNet-18 (the backbone of mmpose's
# td-hm_litehrnet-18_8xb64-210e_coco-256x192.py), whose 40-channel output at
# 1/4 of the input is the integer heatmap's grid (64x64 at 256 px). It
# replaces the hourglass of a config that inherits configs/hih_wflw.py:
#   model = dict(backbone=dict(_base_.litehrnet_18, _delete_=True),
#                head=_base_.litehrnet_18_head)
# The integer branch is the final 1x1 conv alone, as in mmpose's LiteHRNet
# configs; the choice of backbone and its cost: docs/light_hih.md.
litehrnet_18 = dict(
    type='LiteHRNet',
    in_channels=3,
    extra=dict(
        stem=dict(stem_channels=32, out_channels=32, expand_ratio=1),
        num_stages=3,
        stages_spec=dict(
            num_modules=(2, 4, 2),
            num_branches=(2, 3, 4),
            num_blocks=(2, 2, 2),
            module_type=('LITE', 'LITE', 'LITE'),
            with_fuse=(True, True, True),
            reduce_ratios=(8, 8, 8),
            num_channels=((40, 80), (40, 80, 160), (40, 80, 160, 320))),
        with_head=True))
# what changes in the hourglass configs' HIH head: one 40-channel feature map
# (one supervised stage) instead of the hourglass' per-stack heatmaps
litehrnet_18_head = dict(
    in_channels=40, num_stages=1, heatmaps_from_backbone=False)
