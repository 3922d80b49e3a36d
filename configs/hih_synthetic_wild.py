# configs/hih_synthetic.py on the wild synthetic faces (any pose, occluders
# with occlusion flags, small and degraded faces; rendered with
#   tools/dataset_converters/generate_synthetic_faces.py --profile wild \
#       --out-dir data/synthetic_wild [--label-noise 1]
# ), 24 epochs (about 22 CPU minutes on 2 cores), rotation augmentation wide
# enough for sideways faces, the test set's WFLW attribute subsets in the
# test table. The same-budget mmpose baseline:
# configs/baseline_heatmap_dark_synthetic_wild.py. docs/wild_faces.md.
_base_ = ['./hih_synthetic.py']

data_root = 'data/synthetic_wild/'
train_cfg = dict(max_epochs=24, val_interval=6)
param_scheduler = [
    dict(type='LinearLR', begin=0, end=50, start_factor=0.01, by_epoch=False),
    dict(type='MultiStepLR', begin=0, end=24, milestones=[18, 22], gamma=0.2,
         by_epoch=True),
]
default_hooks = dict(checkpoint=dict(interval=6))

# the base's training pipeline, with rotation std 45 degrees (clipped at
# 90) and scale 0.75-1.25: the wild faces roll over the full circle and
# come in every size
train_pipeline = [
    dict(step, rotate_factor=45, rotate_prob=0.7, scale_factor=(0.75, 1.25))
    if step['type'] == 'RandomBBoxTransform' else step
    for step in _base_.train_pipeline
]
train_dataloader = dict(
    dataset=dict(data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = val_dataloader
test_evaluator = dict(
    type='FaceAlignmentMetric',
    norm_mode='inter_ocular',
    subsets={
        name: f'{data_root}annotations/face_landmarks_synthetic_test_'
        f'{name}.json'
        for name in ('largepose', 'expression', 'illumination', 'makeup',
                     'occlusion', 'blur')
    })
