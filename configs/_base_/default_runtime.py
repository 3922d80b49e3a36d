# Runtime shared by the hih_mmpose configs (a self-contained equivalent of
# mmpose's configs/_base_/default_runtime.py, so no mmpose:: lookup is needed).
default_scope = 'mmpose'
custom_imports = dict(imports=['hih_mmpose'], allow_failed_imports=False)

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook', interval=1, save_best='NME', rule='less',
        max_keep_ckpts=3),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='PoseVisualizationHook', enable=False),
)
custom_hooks = [
    dict(type='SyncBuffersHook'),
    dict(type='FiniteLossHook'),
    dict(type='ChannelsLastHook'),  # NHWC weights: 1.1-1.3x faster on CPU
    # checkpoints that torch's default (weights-only) loader and so mmpose's
    # own tools open; resume restores them exactly and runs no text
    dict(type='PlainCheckpointHook'),
]

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),
)

vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(
    type='PoseLocalVisualizer', vis_backends=vis_backends, name='visualizer')

log_processor = dict(
    type='LogProcessor', window_size=50, by_epoch=True, num_digits=6)
log_level = 'INFO'
load_from = None
resume = False
backend_args = dict(backend='local')

train_cfg = dict(by_epoch=True)
val_cfg = dict()
test_cfg = dict()
