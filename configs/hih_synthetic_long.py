# configs/hih_synthetic.py trained longer (48 epochs, about 25 CPU minutes
# on 2 cores): the documented run where HIH's decimal heatmap is compared
# with mmpose's decoders and with the same-budget mmpose baseline
# (configs/baseline_heatmap_dark_synthetic.py). docs/decimal_heatmap.md.
_base_ = ['./hih_synthetic.py']

train_cfg = dict(max_epochs=48, val_interval=6)
param_scheduler = [
    dict(type='LinearLR', begin=0, end=50, start_factor=0.01, by_epoch=False),
    dict(type='MultiStepLR', begin=0, end=48, milestones=[36, 44], gamma=0.2,
         by_epoch=True),
]
default_hooks = dict(checkpoint=dict(interval=6))
