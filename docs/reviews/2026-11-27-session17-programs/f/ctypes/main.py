print('main.py never runs')
